/**
 * Replies under a burst (found by test/kernel/test_fuzz.py): zeromq.js 6 allows one
 * send in flight per socket and, after 512 synchronous operations, delays a send; a send while
 * that one is pending throws EBUSY. `queueSend` sends in order, one at a time, so none is lost.
 * Real zeromq sockets over inproc, no stand-ins.
 */
import * as zmq from 'zeromq';
import { queueSend } from '../../src/kernel/wire';

const N = 3000;

async function pair(name: string) {
  const router = new zmq.Router();
  const dealer = new zmq.Dealer({ routingId: 'client' });
  await router.bind(`inproc://${name}`);
  dealer.connect(`inproc://${name}`);
  await dealer.send('hello');
  const [id] = await router.receive();
  return { router, dealer, id };
}

async function receiveAll(dealer: zmq.Dealer, n: number): Promise<string[]> {
  const got: string[] = [];
  dealer.receiveTimeout = 5000;
  while (got.length < n) {
    try {
      const [frame] = await dealer.receive();
      got.push(frame.toString());
    } catch {
      break; // timed out: the rest never came
    }
  }
  return got;
}

it('a burst of sends straight on a zeromq socket throws EBUSY (why the queue exists)', async () => {
  const { router, dealer, id } = await pair('raw');
  let busy = 0;
  for (let i = 0; i < N; i++) {
    try {
      void router.send([id, String(i)]).catch(() => busy++);
    } catch (e) {
      if ((e as { code?: string }).code === 'EBUSY') busy++;
    }
  }
  expect(busy).toBeGreaterThan(0);
  router.close();
  dealer.close();
});

it('queueSend delivers every message of a burst, in order, and logs nothing', async () => {
  const { router, dealer, id } = await pair('queued');
  const log: string[] = [];
  for (let i = 0; i < N; i++) void queueSend(router, [id, Buffer.from(String(i))], (l) => log.push(l));
  const got = await receiveAll(dealer, N);
  expect(got).toEqual(Array.from({ length: N }, (_, i) => String(i)));
  expect(log).toEqual([]);
  router.close();
  dealer.close();
});

it('a send that fails is logged and the later ones still go', async () => {
  const sent: string[] = [];
  const sock = {
    send: (frames: Buffer[]) => {
      if (frames[0].toString() === 'bad') throw new Error('no route');
      sent.push(frames[0].toString());
      return Promise.resolve();
    },
  };
  const log: string[] = [];
  await Promise.all(['a', 'bad', 'b'].map((s) => queueSend(sock, [Buffer.from(s)], (l) => log.push(l))));
  expect(sent).toEqual(['a', 'b']);
  expect(log).toEqual(['[saddlelab] a message could not be sent: no route']);
});

it('a send on a socket closed at shutdown is dropped without a log line', async () => {
  const { router, dealer, id } = await pair('closed');
  router.close();
  dealer.close();
  const log: string[] = [];
  await queueSend(router, [id, Buffer.from('late')], (l) => log.push(l));
  expect(router.closed).toBe(true);
  expect(log).toEqual([]);
  // The same failure on an open socket is logged.
  const open = { closed: false, send: () => Promise.reject(new Error('Socket is closed')) };
  await queueSend(open, [Buffer.from('x')], (l) => log.push(l));
  expect(log).toEqual(['[saddlelab] a message could not be sent: Socket is closed']);
});
