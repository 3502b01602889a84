export { getKernel, registerKernel, REGISTRY_KEY } from './registry';
export { createCommManager, CONTROL_TARGET } from './comms';
export type { CommManager, Send } from './comms';
export type { Comm, CommMsg, DisplayOptions, KernelApi, MimeBundle, StatefulWidget } from './types';
