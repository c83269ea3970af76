import { createServer, request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { QuietGate } from '../../../src/slack/quiet-gate.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Records when each held piece of work is let go. */
function track(promise: Promise<void>): { done: boolean } {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
}

describe('quiet gate (work after an ack waits for the requests in hand)', () => {
  it('lets work go on the next turn when no request is in hand', async () => {
    const gate = new QuietGate();
    const work = track(gate.quiet());
    await turn();
    await turn();
    expect(work.done).toBe(true);
  });

  it('two in hand is still one at a time: the work goes on the next turn, without the quiet time', async () => {
    const gate = new QuietGate({ quietMs: 5000 });
    gate.requestArrived();
    gate.requestArrived(); // e.g. the next request on a keep-alive connection before the last answer's 'finish'
    const work = track(gate.quiet());
    gate.requestEnded();
    gate.requestEnded();
    await turn();
    await turn();
    expect(work.done).toBe(true);
  });

  it('after a burst, waits for the quiet time after the last request, and a request arriving meanwhile holds the work again', async () => {
    // Wide margins: each "not yet" only fails if a sleep overshoots by over 150 ms.
    const gate = new QuietGate({ quietMs: 200, maxHoldMs: 5000 });
    for (let i = 0; i < 3; i++) gate.requestArrived(); // three in hand at once: a burst
    const work = track(gate.quiet());
    for (let i = 0; i < 3; i++) gate.requestEnded();
    await sleep(50);
    expect(work.done).toBe(false);
    // The next clump of the burst: arrives within the quiet time, so the work still waits.
    gate.requestArrived();
    await sleep(200);
    gate.requestEnded();
    await sleep(50);
    expect(work.done).toBe(false); // 300 ms after the first clump ended, but only 50 after the last
    await sleep(300);
    expect(work.done).toBe(true);
  });

  it('a burst with nothing held (e.g. 50 help commands) is over after 10 quiet times: the next command does not wait', async () => {
    const gate = new QuietGate({ quietMs: 5 });
    for (let i = 0; i < 3; i++) gate.requestArrived();
    for (let i = 0; i < 3; i++) gate.requestEnded();
    await sleep(80);
    gate.requestArrived();
    const work = track(gate.quiet());
    gate.requestEnded();
    await turn();
    await turn();
    expect(work.done).toBe(true);
  });

  it('a keep-alive client sending one request at a time never has its work held (a real server, 300 requests)', async () => {
    const gate = new QuietGate({ quietMs: 1000, maxHoldMs: 5000 });
    const server = createServer((_request, response) => response.writeHead(200, { 'content-length': '2' }).end('ok'));
    gate.watch(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      let slowest = 0;
      for (let i = 0; i < 300; i++) {
        await new Promise<void>((answered) => {
          socket.once('data', () => answered());
          socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        });
        // As a command's job work asks right after its ack; held to the quiet time, this would take 1 s.
        const start = performance.now();
        await gate.quiet();
        slowest = Math.max(slowest, performance.now() - start);
      }
      expect(slowest).toBeLessThan(500);
    } finally {
      socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('holds work while requests are in hand and lets it all go when the last one is answered', async () => {
    const gate = new QuietGate();
    gate.requestArrived();
    gate.requestArrived();
    const first = track(gate.quiet());
    const second = track(gate.quiet());
    gate.requestEnded();
    await sleep(5);
    expect([first.done, second.done, gate.holding]).toEqual([false, false, 2]);
    gate.requestEnded();
    await sleep(5);
    expect([first.done, second.done, gate.holding]).toEqual([true, true, 0]);
  });

  it('never holds longer than maxHoldMs', async () => {
    const gate = new QuietGate({ maxHoldMs: 150 });
    gate.requestArrived(); // never answered
    const work = track(gate.quiet());
    await sleep(10);
    expect(work.done).toBe(false);
    await sleep(200);
    expect(work.done).toBe(true);
  });

  it('counts a watched server’s requests until their responses end, and a new connection until its first request', async () => {
    let answer: (() => void) | undefined;
    const server = createServer((_request, response) => {
      answer = () => response.end('ok');
    });
    const gate = new QuietGate({ newConnectionMs: 200 });
    gate.watch(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // A request in hand holds work until it is answered.
      const answered = new Promise<void>((resolve, reject) =>
        httpRequest({ port, host: '127.0.0.1', path: '/' }, (res) => res.resume().on('end', resolve))
          .on('error', reject)
          .end(),
      );
      while (!answer) await sleep(1);
      const work = track(gate.quiet());
      await sleep(10);
      expect(work.done).toBe(false);
      answer();
      await answered;
      await sleep(5);
      expect(work.done).toBe(true);

      // A connection that has sent nothing yet counts for newConnectionMs.
      const idle = connect(port, '127.0.0.1');
      await new Promise((resolve) => idle.once('connect', resolve));
      await sleep(5);
      const later = track(gate.quiet());
      await sleep(15);
      expect(later.done).toBe(false);
      await sleep(250);
      expect(later.done).toBe(true);
      idle.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
