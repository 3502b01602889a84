export { BACKENDS, useBackend, currentBackend, describeBackend } from './backend';
export type { BackendName, BackendInfo } from './backend';
export { nativeSingularValues, nativeSvdAvailable } from './native-svd';
