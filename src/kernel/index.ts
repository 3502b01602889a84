/** The saddlelab kernel process (launcher.ts is its entry): the host it implements and its comms. Nothing in the library imports it. */
export { createCommManager, CONTROL_TARGET } from './comms';
export type { CommManager, Send } from './comms';
export { createLiveKernel } from './api';
export type { LiveKernel, LiveKernelOptions } from './api';
