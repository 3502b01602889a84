/** The wire format: the HMAC covers the four JSON frames only; buffers are raw frames. */
import { createHmac } from 'node:crypto';
import { parseFrames, WireError, WireMessage } from '../../src/kernel/wire';

const key = 'secret';

function frames(buffers: Buffer[] = [], sigKey = key): Buffer[] {
  const bodies = [{ msg_id: '1', msg_type: 'comm_msg', session: 's', username: 'u', date: '', version: '5.3' }, {}, {}, { comm_id: 'c', data: {} }].map((p) => Buffer.from(JSON.stringify(p)));
  const h = createHmac('sha256', sigKey);
  bodies.forEach((b) => h.update(b));
  return [Buffer.from('id1'), Buffer.from('<IDS|MSG>'), Buffer.from(h.digest('hex')), ...bodies, ...buffers];
}

it('accepts a message signed over the JSON frames, with raw buffers after them', () => {
  const msg = parseFrames(key, frames([Buffer.from([1, 2, 3])]));
  expect(msg.header.msg_type).toBe('comm_msg');
  expect(msg.identity.map(String)).toEqual(['id1']);
  expect([...msg.extra[0]]).toEqual([1, 2, 3]);
});

it('rejects bad signatures, missing delimiters, short and non-JSON messages', () => {
  expect(() => parseFrames(key, frames([], 'other'))).toThrow(WireError);
  expect(() => parseFrames(key, frames().filter((f) => f.toString() !== '<IDS|MSG>'))).toThrow(/delimiter/);
  expect(() => parseFrames(key, frames().slice(0, 4))).toThrow(/frames after the delimiter/);
  const f = frames();
  f[3] = Buffer.from('not json');
  const h = createHmac('sha256', key);
  f.slice(3, 7).forEach((b) => h.update(b));
  f[2] = Buffer.from(h.digest('hex'));
  expect(() => parseFrames(key, f)).toThrow(/frame 0 is not JSON/);
});

it('signs outgoing messages over the JSON frames and appends buffers unencoded', () => {
  const msg = new WireMessage();
  msg.header = { msg_type: 'comm_msg' };
  msg.extra = [Buffer.from([0, 255])];
  const out = msg.frames(key); // no identities: [<IDS|MSG>, hmac, 4 JSON frames, buffers]
  const h = createHmac('sha256', key);
  out.slice(2, 6).forEach((b) => h.update(b));
  expect(out[1].toString()).toBe(h.digest('hex'));
  expect([...out[6]]).toEqual([0, 255]);
  expect(parseFrames(key, out).extra[0].equals(Buffer.from([0, 255]))).toBe(true);
});
