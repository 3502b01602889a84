// Fallback bundle for bench/run.mjs when src/train does not compile: backends only (raw/fused steps).
export { useBackend, describeBackend, nativeSingularValues, createNativeSvd, createJs64Mlp } from '../src/backend';
