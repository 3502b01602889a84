// What the bench workers use from saddlelab, bundled from src/ by bench/run.mjs
// so that a benchmark run does not depend on a full `npm run build` (tsc).
export { useBackend, describeBackend, nativeSingularValues, createNativeSvd, createJs64Mlp } from '../src/backend';
export { mlp, createTrainer } from '../src/train';
export { singularValues } from '../src/spectrum';
// The relu saddlelab's networks use (its gradient is one ReluGrad op on native TensorFlow).
export { relu } from '../src/backend/native-relu';
