/**
 * The host the widget unit tests run against: the saddlelab kernel's (src/kernel/api.ts), the
 * same code the kernel uses, with its one outgoing seam recording every message instead of
 * sending it (`createFakeKernel()`: real comm manager, real comms), or the plain-Node host
 * (src/host/node-host.ts) whose displays are recorded (`createFakeKernel(false)`: no comms). The kernel extension's sockets are tested in test/kernel/ and end to
 * end in test/widgets/e2e/.
 */
import { createNodeHost } from '../../src/host';
import { createLiveKernel } from '../../src/kernel/api';
import type { MimeBundle, WidgetKernel } from '../../src/widgets/kernel-port';

export interface Sent {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  buffers: ArrayBufferView[];
}

/** What the kernel sent on one comm. */
export interface FakeComm {
  readonly commId: string;
  target: string;
  /** The comm_open. */
  opened: Sent;
  /** Every comm_msg after it. */
  sent: Sent[];
  closed: boolean;
  /** Delivers a comm_msg as if the browser had sent it. */
  receive(data: Record<string, unknown>, buffers?: Uint8Array[]): void;
}

export interface FakeKernel extends WidgetKernel {
  comms: FakeComm[];
  displays: Array<{ bundle: MimeBundle; displayId?: string }>;
  updates: Array<{ displayId: string; bundle: MimeBundle }>;
}

export function createFakeKernel(live = true): FakeKernel {
  const comms: FakeComm[] = [];
  const displays: FakeKernel['displays'] = [];
  const updates: FakeKernel['updates'] = [];
  if (!live) {
    const api = createNodeHost((bundle, _metadata, displayId, update) =>
      update ? void updates.push({ displayId: displayId as string, bundle }) : void displays.push({ bundle, displayId }),
    );
    return { ...api, comms, displays, updates };
  }
  const api = createLiveKernel({
    send(type, content, o) {
      const c = content as { comm_id?: string; target_name?: string; data?: Record<string, unknown>; transient?: { display_id?: string } };
      const sent = (): Sent => ({ data: c.data ?? {}, metadata: o?.metadata, buffers: o?.buffers ?? [] });
      if (type === 'comm_open') {
        const commId = String(c.comm_id);
        comms.push({
          commId,
          target: String(c.target_name),
          opened: sent(),
          sent: [],
          closed: false,
          receive: (data, buffers = []) => manager.handle('comm_msg', { comm_id: commId, data }, buffers, { msg_type: 'comm_msg' }),
        });
      } else if (type === 'comm_msg') {
        comms.find((x) => x.commId === c.comm_id)?.sent.push(sent());
      } else if (type === 'comm_close') {
        const comm = comms.find((x) => x.commId === c.comm_id);
        if (comm) comm.closed = true;
      } else if (type === 'display_data') {
        displays.push({ bundle: c.data as MimeBundle, displayId: c.transient?.display_id });
      } else if (type === 'update_display_data') {
        updates.push({ displayId: String(c.transient?.display_id), bundle: c.data as MimeBundle });
      }
    },
  });
  const manager = api.comms; // the kernel's comm manager; `comms` below is the record of what was sent
  return { ...api, comms, displays, updates };
}
