export { BACKENDS, useBackend, currentBackend, describeBackend } from './backend';
export type { BackendName, BackendInfo } from './backend';
export { nativeSingularValues, nativeSvdAvailable } from './native-svd';
export { createJs64Mlp } from './js64';
export type { Js64Mlp, Js64Options } from './js64';
