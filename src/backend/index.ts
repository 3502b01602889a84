export { BACKENDS, useBackend, ensureBackend, currentBackend, describeBackend } from './backend';
export type { BackendName, BackendInfo } from './backend';
export { webgpuDevice, describeAdapter, hardwareWebgpuAvailable } from './webgpu-device';
export type { WebGpuDevice, WebGpuAdapterInfo, WebGpuDeviceOptions } from './webgpu-device';
export { nativeSingularValues, nativeSvdAvailable, createNativeSvd, nativeGramSpectra } from './native-svd';
export type { NativeSvdOptions } from './native-svd';
export { createJs64Mlp } from './js64';
export type { Js64Mlp, Js64Options } from './js64';
