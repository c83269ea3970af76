import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RpcConnection } from '../../../src/libvirt/connection.js';
import { LibvirtConnectionError, LibvirtError } from '../../../src/libvirt/errors.js';
import { KEEPALIVE_PROGRAM, MessageType, REMOTE_PROGRAM } from '../../../src/libvirt/protocol/constants.js';
import { type Packet, PacketDecoder, encodePacket } from '../../../src/libvirt/protocol/packet.js';
import { Procedures } from '../../../src/libvirt/protocol/procedures.js';
import { remoteError } from '../../../src/libvirt/protocol/remote-types.js';
import { encodeValue } from '../../../src/libvirt/xdr/codec.js';

/**
 * The RPC connection's own logic (serials, routing, timeouts, keepalive, teardown) against a
 * scripted peer on a real unix socket. The daemon itself is exercised in test/integration.
 */
class ScriptedPeer {
  readonly received: Packet[] = [];
  socket: Socket | undefined;
  private waiters: (() => void)[] = [];

  constructor(readonly server: Server) {
    server.on('connection', (socket) => {
      this.socket = socket;
      const decoder = new PacketDecoder();
      socket.on('data', (chunk) => {
        for (const packet of decoder.push(chunk))
          this.received.push({ header: packet.header, payload: Buffer.from(packet.payload) });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  async waitFor(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  reply(serial: number, procedure: number, payload: Buffer, status = 0): void {
    this.send({ program: REMOTE_PROGRAM, version: 1, procedure, type: MessageType.REPLY, serial, status }, payload);
  }

  send(header: Packet['header'], payload: Buffer): void {
    this.socket!.write(encodePacket(header, payload));
  }
}

let dir: string;
let server: Server;
let peer: ScriptedPeer;
let connection: RpcConnection;

async function connect(options = {}): Promise<RpcConnection> {
  const socket = createConnection({ path: join(dir, 'sock') });
  await new Promise((resolve) => socket.once('connect', resolve));
  connection = new RpcConnection(socket, options);
  while (!peer.socket) await new Promise((resolve) => setImmediate(resolve));
  return connection;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vnetops-rpc-'));
  server = createServer();
  peer = new ScriptedPeer(server);
  await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
});

afterEach(async () => {
  connection?.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('RpcConnection', () => {
  it('pipelines calls and matches replies by serial, whatever their order', async () => {
    await connect();
    const hostname = connection.call(Procedures.CONNECT_GET_HOSTNAME, undefined);
    const version = connection.call(Procedures.CONNECT_GET_LIB_VERSION, undefined);
    await peer.waitFor(2);
    const [first, second] = peer.received;
    expect(first!.header.serial).not.toBe(second!.header.serial);
    // Answer the second call first.
    peer.reply(
      second!.header.serial,
      157,
      encodeValue(Procedures.CONNECT_GET_LIB_VERSION.reply, { libVersion: 9000000n }),
    );
    peer.reply(first!.header.serial, 59, encodeValue(Procedures.CONNECT_GET_HOSTNAME.reply, { hostname: 'kvm1' }));
    expect(await hostname).toEqual({ hostname: 'kvm1' });
    expect(await version).toEqual({ libVersion: 9000000n });
  });

  it('turns an error reply into a LibvirtError with code, domain and message', async () => {
    await connect();
    const lookup = connection.call(Procedures.NETWORK_LOOKUP_BY_NAME, { name: 'nope' });
    await peer.waitFor(1);
    const error = {
      code: 43,
      domain: 19,
      message: "Network not found: no network with matching name 'nope'",
      level: 2,
      dom: null,
      str1: null,
      str2: null,
      str3: null,
      int1: -1,
      int2: -1,
      net: null,
    };
    peer.reply(peer.received[0]!.header.serial, 46, encodeValue(remoteError, error), 1);
    const failure = await lookup.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LibvirtError);
    expect(failure).toMatchObject({ code: 43, domain: 19, procedure: 'NETWORK_LOOKUP_BY_NAME' });
    expect((failure as LibvirtError).isNotFound()).toBe(true);
    expect(connection.closed).toBe(false);
  });

  it('fails a call that gets no reply in time, and keeps the connection', async () => {
    await connect({ callTimeoutMs: 50 });
    const failure = await connection.call(Procedures.CONNECT_GET_HOSTNAME, undefined).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LibvirtConnectionError);
    expect(failure).toMatchObject({
      reason: 'call-timeout',
      message: 'libvirtd did not answer CONNECT_GET_HOSTNAME within 50 ms',
    });
    expect(connection.closed).toBe(false);
  });

  it('fails every pending call with one clear error when the peer goes away', async () => {
    await connect();
    const calls = [1, 2, 3].map(() =>
      connection.call(Procedures.CONNECT_GET_HOSTNAME, undefined).catch((e: unknown) => e),
    );
    await peer.waitFor(3);
    const closed = new Promise<LibvirtConnectionError>((resolve) => connection.once('close', resolve));
    peer.socket!.destroy();
    const results = await Promise.all(calls);
    for (const result of results) expect(result).toMatchObject({ name: 'LibvirtConnectionError', reason: 'closed' });
    expect((await closed).reason).toBe('closed');
    expect(connection.pendingCalls).toBe(0);
    await expect(connection.call(Procedures.CONNECT_GET_HOSTNAME, undefined)).rejects.toMatchObject({
      reason: 'closed',
    });
  });

  it('answers a keepalive PING with a PONG', async () => {
    await connect();
    peer.send(
      { program: KEEPALIVE_PROGRAM, version: 1, procedure: 1, type: MessageType.MESSAGE, serial: 0, status: 0 },
      Buffer.alloc(0),
    );
    await peer.waitFor(1);
    expect(peer.received[0]!.header).toMatchObject({
      program: KEEPALIVE_PROGRAM,
      procedure: 2,
      type: MessageType.MESSAGE,
      serial: 0,
    });
  });

  it('pings a silent peer and declares it dead after the configured misses', async () => {
    await connect();
    const closed = new Promise<LibvirtConnectionError>((resolve) => connection.once('close', resolve));
    connection.startKeepalive({ intervalMs: 60, count: 3 });
    const error = await closed;
    expect(error.reason).toBe('keepalive-timeout');
    expect(error.message).toMatch(/no reply to 3 keepalive pings/);
    expect(
      peer.received.filter((p) => p.header.program === KEEPALIVE_PROGRAM && p.header.procedure === 1),
    ).toHaveLength(3);
  });

  it('delivers server messages to listeners, and drops the connection on a malformed length word', async () => {
    await connect();
    const message = new Promise<Packet>((resolve) => connection.once('message', resolve));
    peer.send(
      { program: REMOTE_PROGRAM, version: 1, procedure: 315, type: MessageType.MESSAGE, serial: 0, status: 0 },
      Buffer.from('00000000', 'hex'),
    );
    expect((await message).header.procedure).toBe(315);
    const closed = new Promise<LibvirtConnectionError>((resolve) => connection.once('close', resolve));
    peer.socket!.write(Buffer.from('00000003', 'hex'));
    expect(await closed).toMatchObject({
      reason: 'protocol',
      message: expect.stringMatching(/malformed message: invalid message length 3/) as unknown,
    });
  });
});
