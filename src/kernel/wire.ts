/**
 * The Jupyter wire protocol (messaging spec 5.3): frames
 * `[ids…, <IDS|MSG>, hmac, header, parent, metadata, content, buffers…]`.
 * The HMAC covers the four JSON frames only; buffers travel as raw frames.
 * (tslab 1.0.22's own server signs the buffers too and JSON-encodes them: both wrong.)
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const DELIM = Buffer.from('<IDS|MSG>');

export type Json = Record<string, unknown>;

/** A parsed message; also what tslab's ZmqServer methods expect (`createReply`, `signAndSend`). */
export class WireMessage {
  identity: Buffer[] = [];
  hmac = '';
  header: Json = {};
  parent: Json = {};
  metadata: Json = {};
  content: Json = {};
  /** Raw buffer frames. */
  extra: Buffer[] = [];

  /** A reply with the same identities, parented to this message; `msg_type` is copied (set it). */
  createReply(): WireMessage {
    const rep = new WireMessage();
    rep.identity = this.identity;
    rep.header = newHeader(String(this.header.msg_type ?? ''));
    rep.parent = this.header;
    return rep;
  }

  /** Serializes, signs and sends on `sock` (anything with `send(frames)`), after the sends queued before it. */
  signAndSend(key: string, sock: { send(frames: Buffer[]): unknown }): Promise<void> {
    return queueSend(sock, this.frames(key));
  }

  frames(key: string): Buffer[] {
    const bodies = [this.header, this.parent, this.metadata, this.content].map((p) => Buffer.from(JSON.stringify(p)));
    return [...this.identity, DELIM, Buffer.from(sign(key, bodies)), ...bodies, ...this.extra];
  }
}

type Sendable = { send(frames: Buffer[]): unknown; readonly closed?: boolean };
const queues = new WeakMap<Sendable, Promise<void>>();

/**
 * Sends `frames` on `sock` once every earlier send on it has finished. zeromq.js 6 allows one
 * send in flight per socket: after 512 synchronous operations it delays a send, and a second
 * send while that one is pending throws EBUSY, so under a burst of messages (the fuzzing of test/kernel/test_fuzz.py)
 * replies and status messages were lost. A failed send is logged (unless the socket was closed,
 * at shutdown), and later sends still go.
 */
export function queueSend(sock: Sendable, frames: Buffer[], log: (line: string) => void = sendLog): Promise<void> {
  const prev = queues.get(sock);
  const attempt = async () => {
    try {
      await sock.send(frames);
    } catch (e) {
      // A socket closed by shutdown has no one to deliver to: not worth a line in every run's log.
      if (!sock.closed) log(`[saddlelab] a message could not be sent: ${(e as Error).message}`);
    }
  };
  // The fast path (nothing pending) sends synchronously, as zeromq.js would.
  const next = prev ? prev.then(attempt) : attempt();
  queues.set(sock, next);
  void next.then(() => {
    if (queues.get(sock) === next) queues.delete(sock);
  });
  return next;
}

const realStderr = process.stderr.write.bind(process.stderr);
const sendLog = (line: string) => void realStderr(line + '\n');

/**
 * A header for a new message from the kernel. Its `session` identifies this kernel process
 * (messaging spec, "Message Header": a restarted kernel has a new one), not the client's.
 */
export function newHeader(msgType: string): Json {
  return {
    msg_id: randomBytes(16).toString('hex'),
    msg_type: msgType,
    username: 'kernel',
    session: KERNEL_SESSION,
    date: new Date().toISOString(),
    version: '5.3',
  };
}

/** This kernel process's session id. */
export const KERNEL_SESSION = randomBytes(16).toString('hex');

export function sign(key: string, bodies: Buffer[]): string {
  if (!key) return '';
  const h = createHmac('sha256', key);
  for (const b of bodies) h.update(b);
  return h.digest('hex');
}

/** Why a frame list is not a valid, correctly signed message. */
export class WireError extends Error {}

/** Parses and verifies frames; throws `WireError` for anything malformed or badly signed. */
export function parseFrames(key: string, raw: Buffer[]): WireMessage {
  const msg = new WireMessage();
  const delim = raw.findIndex((f) => f.equals(DELIM));
  if (delim < 0) throw new WireError('message without the <IDS|MSG> delimiter');
  if (raw.length < delim + 6) throw new WireError(`message with ${raw.length - delim - 1} frames after the delimiter; at least 5 needed`);
  msg.identity = raw.slice(0, delim);
  msg.hmac = raw[delim + 1].toString();
  const bodies = raw.slice(delim + 2, delim + 6);
  if (key) {
    const want = Buffer.from(sign(key, bodies));
    const got = Buffer.from(msg.hmac);
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw new WireError('bad HMAC signature');
  }
  const parts = bodies.map((b, i) => {
    let v: unknown;
    try {
      v = JSON.parse(b.toString('utf8'));
    } catch {
      throw new WireError(`frame ${i} is not JSON`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WireError(`frame ${i} is not a JSON object`);
    return v as Json;
  });
  [msg.header, msg.parent, msg.metadata, msg.content] = parts;
  if (typeof msg.header.msg_type !== 'string') throw new WireError('header.msg_type is missing');
  msg.extra = raw.slice(delim + 6);
  return msg;
}

/** Copies any typed-array view into a Buffer frame (no JSON encoding). */
export function toFrame(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
