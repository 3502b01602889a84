export { BACKENDS, useBackend, ensureBackend, currentBackend, describeBackend } from './backend';
export type { BackendName, BackendInfo } from './backend';
export { nativeSingularValues, nativeSvdAvailable, createNativeSvd, nativeGramSpectra } from './native-svd';
export type { NativeSvdOptions } from './native-svd';
export { createJs64Mlp } from './js64';
export type { Js64Mlp, Js64Options } from './js64';
