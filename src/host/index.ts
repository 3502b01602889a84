/**
 * What the library asks of whoever hosts it (types.ts): the saddlelab kernel, plain Node,
 * a test. `currentHost()` is the one in use.
 */
export { currentHost, HOST_MODULE, provideHost } from './current';
/** `currentHost` by the name notebooks written before `host` use (`kernel.getKernel()`). */
export { currentHost as getKernel } from './current';
export { createNodeHost, defaultDisplayWriter } from './node-host';
export type { DisplayWriter } from './node-host';
export { clock, createProgressBar } from './progress-bar';
export type { ProgressOptions } from './progress-bar';
export type { Comm, CommMsg, DisplayOptions, Host, MimeBundle, ProgressReporter, RunEnd, StatefulWidget } from './types';
/** `Host` by its older name. */
export type { Host as KernelApi } from './types';
