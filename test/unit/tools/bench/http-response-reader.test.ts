import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpResponseError, HttpResponseReader } from '../../../../bench/http-response-reader.js';

/** Responses as Node's own HTTP server frames them: what the bench reads from the bot and its peers. */
let server: Server;
let port: number;
let wire: Buffer;

const EXPECTED = [
  { status: 200, body: '' }, // writeHead + end(): chunked, empty (Bolt's plain ack)
  { status: 200, body: '{"text":"ok ✓"}' }, // Content-Length, counted in bytes (✓ is three)
  { status: 401, body: '' },
  { status: 200, body: 'part one, part two' }, // write + write + end: chunked, two chunks
];

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/a') response.writeHead(200).end();
    else if (request.url === '/b')
      response.setHeader('content-type', 'application/json').end('{"text":"ok ✓"}'); // headers sent with the body: Content-Length
    else if (request.url === '/c') response.writeHead(401).end();
    else {
      response.writeHead(200);
      response.write('part one, ');
      response.end('part two');
    }
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  port = (server.address() as { port: number }).port;
  // Four requests pipelined on one keep-alive connection; every byte of the answers is kept as sent.
  wire = await new Promise<Buffer>((done, fail) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(['/a', '/b', '/c', '/d'].map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const reader = new HttpResponseReader();
      if (reader.push(Buffer.concat(chunks)).length === 4) {
        socket.destroy();
        done(Buffer.concat(chunks));
      }
    });
    socket.on('error', fail);
  });
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

describe('HttpResponseReader', () => {
  it('reads chunked and Content-Length responses from a real Node server, pipelined on one connection', () => {
    expect(wire.toString('latin1')).toContain('Transfer-Encoding: chunked');
    expect(wire.toString('latin1')).toContain('Content-Length:');
    const reader = new HttpResponseReader();
    expect(reader.push(wire)).toEqual(EXPECTED);
    expect(reader.midResponse).toBe(false);
  });

  it('gives the same responses however the bytes are split into reads', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: wire.length - 1 }), { maxLength: 12 }), (cuts) => {
        const reader = new HttpResponseReader();
        const got = [];
        let from = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          got.push(...reader.push(wire.subarray(from, cut)));
          from = cut;
        }
        got.push(...reader.push(wire.subarray(from)));
        expect(got).toEqual(EXPECTED);
      }),
    );
  });

  it('reads a 204 without a length, and chunk extensions', () => {
    const reader = new HttpResponseReader();
    const bytes =
      'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;name=value\r\nabc\r\n0\r\n\r\n';
    expect(reader.push(Buffer.from(bytes))).toEqual([
      { status: 204, body: '' },
      { status: 200, body: 'abc' },
    ]);
  });

  it('holds a response back until its last byte', () => {
    const reader = new HttpResponseReader();
    expect(reader.push(wire.subarray(0, wire.length - 1)).length).toBe(3);
    expect(reader.midResponse).toBe(true);
    expect(reader.push(wire.subarray(wire.length - 1))).toEqual([EXPECTED[3]]);
  });

  it('refuses what is not an HTTP/1.1 response', () => {
    expect(() => new HttpResponseReader().push(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n\r\n'))).toThrow(HttpResponseError);
    expect(() =>
      new HttpResponseReader().push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')),
    ).toThrow(/bad chunk size/);
    expect(() => new HttpResponseReader().push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'))).toThrow(
      /bad Content-Length/,
    );
    expect(() => new HttpResponseReader().push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n'))).toThrow(
      /bad Content-Length/,
    );
    expect(() =>
      new HttpResponseReader().push(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody')),
    ).toThrow(/where the body ends is unknown/);
    expect(() => new HttpResponseReader().push(Buffer.alloc(20_000, 'a'))).toThrow(/no end of the response head/);
  });
});
