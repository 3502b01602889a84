/**
 * A kernel for unit tests that implements the widgets' kernel port and
 * records every message (the kernel extension's real comms are tested in
 * test/kernel/ and end to end in test/widgets/e2e/).
 */
import type { MimeBundle, WidgetComm, WidgetCommMsg, WidgetKernel } from '../../src/widgets/kernel-port';

export interface Sent {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  buffers: ArrayBufferView[];
}

export interface FakeComm extends WidgetComm {
  target: string;
  opened: Sent;
  sent: Sent[];
  /** Delivers a message as if the browser had sent it. */
  receive(data: Record<string, unknown>, buffers?: Uint8Array[]): void;
}

export interface FakeKernel extends WidgetKernel {
  comms: FakeComm[];
  displays: Array<{ bundle: MimeBundle; displayId?: string }>;
  updates: Array<{ displayId: string; bundle: MimeBundle }>;
}

export function createFakeKernel(live = true): FakeKernel {
  let n = 0;
  const kernel: FakeKernel = {
    live,
    comms: [],
    displays: [],
    updates: [],
    openComm(target, data = {}, metadata = {}, buffers = []) {
      const handlers = new Set<(m: WidgetCommMsg) => void>();
      const closers = new Set<(m: WidgetCommMsg | undefined) => void>();
      const comm: FakeComm = {
        commId: `comm-${++n}`,
        target,
        closed: false,
        opened: { data, metadata, buffers },
        sent: [],
        send(d, m, b) {
          this.sent.push({ data: d, metadata: m, buffers: b ?? [] });
        },
        close() {
          (this as { closed: boolean }).closed = true;
          for (const c of closers) c(undefined);
        },
        onMsg(h) {
          handlers.add(h);
          return () => handlers.delete(h);
        },
        onClose(h) {
          closers.add(h);
          return () => closers.delete(h);
        },
        receive(d, b = []) {
          for (const h of handlers) h({ commId: this.commId, data: d, metadata: {}, buffers: b, header: { msg_type: 'comm_msg' } });
        },
      };
      kernel.comms.push(comm);
      return comm;
    },
    display(bundle, options) {
      kernel.displays.push({ bundle, displayId: options?.displayId });
    },
    updateDisplay(displayId, bundle) {
      kernel.updates.push({ displayId, bundle });
    },
  };
  return kernel;
}
