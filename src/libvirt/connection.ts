import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { LibvirtConnectionError, LibvirtError, LibvirtProtocolError } from './errors.js';
import {
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  KeepaliveProcedure,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
} from './protocol/constants.js';
import { type Packet, PacketDecoder, encodePacket } from './protocol/packet.js';
import type { Procedure } from './protocol/procedures.js';
import { remoteError } from './protocol/remote-types.js';
import { decodeValue } from './xdr/codec.js';
import { XdrWriter } from './xdr/xdr-writer.js';

/** Keepalive tuning: ping after `intervalMs` of silence, give up after `count` unanswered pings. */
export interface KeepaliveOptions {
  /** Silence (ms) before we send a PING. Default 5000, as libvirt's own client. */
  intervalMs: number;
  /** Unanswered PINGs before the daemon is declared dead. Default 5 (so ~30 s in all). */
  count: number;
}

/** Options of one RPC connection. */
export interface RpcConnectionOptions {
  /** A call with no reply after this long fails with reason `call-timeout`. Default 30000 ms. */
  callTimeoutMs?: number;
  /**
   * Hand the stream one message at a time, the next only once the previous was written. Needed on
   * TLS: Node coalesces queued writes into one TLS record, and libvirtd (GnuTLS) then decrypts
   * several calls at once but handles only the first until more bytes arrive on the socket — the
   * rest stall. One record per message keeps calls pipelined without that stall. Default false.
   */
  oneMessagePerWrite?: boolean;
}

interface PendingCall {
  procedure: Procedure<unknown, unknown>;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/** Events of an {@link RpcConnection}. */
export interface RpcConnectionEvents {
  /** A server message of the remote program (an event), in arrival order. */
  message: [packet: Packet];
  /** The connection is gone; emitted once, with why. Every pending call has been failed before. */
  close: [error: LibvirtConnectionError];
}

const EMPTY = Buffer.alloc(0);

/**
 * One libvirt RPC connection over any byte stream (unix socket, TLS, ssh's stdio).
 * Calls are pipelined and matched to replies by serial; a single reader routes every incoming
 * packet — replies to their call, keepalive PINGs to a PONG, events to the `message` listeners.
 * When the stream ends, every pending call fails with one {@link LibvirtConnectionError}.
 */
export class RpcConnection extends EventEmitter<RpcConnectionEvents> {
  private readonly pending = new Map<number, PendingCall>();
  private readonly decoder = new PacketDecoder();
  private readonly callTimeoutMs: number;
  private nextSerial = 1;
  private closedWith: LibvirtConnectionError | undefined;
  private lastReceivedAt = Date.now();
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private unansweredPings = 0;
  private readonly oneMessagePerWrite: boolean;
  private readonly outbox: Buffer[] = [];
  private writing = false;

  constructor(
    private readonly stream: Duplex,
    options: RpcConnectionOptions = {},
  ) {
    super();
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.oneMessagePerWrite = options.oneMessagePerWrite ?? false;
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (error: Error) =>
      this.shutdown(
        new LibvirtConnectionError('closed', `connection to libvirtd failed: ${error.message}`, { cause: error }),
      ),
    );
    stream.on('close', () => this.shutdown(new LibvirtConnectionError('closed', 'connection to libvirtd closed')));
    stream.on('end', () => this.shutdown(new LibvirtConnectionError('closed', 'libvirtd closed the connection')));
    // A transport may hand the stream over paused (TLS, after reading the daemon's verdict byte);
    // a 'data' listener alone does not restart an explicitly paused stream.
    stream.resume();
  }

  /** True once the connection has ended, for whatever reason. */
  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Number of calls waiting for a reply. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Sends one call and resolves with its decoded reply, or rejects with a {@link LibvirtError}. */
  call<A, R>(procedure: Procedure<A, R>, args: A, options: { timeoutMs?: number } = {}): Promise<R> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const writer = new XdrWriter();
    procedure.args.encode(writer, args);
    const serial = this.takeSerial();
    const frame = encodePacket(
      {
        program: REMOTE_PROGRAM,
        version: REMOTE_PROTOCOL_VERSION,
        procedure: procedure.number,
        type: MessageType.CALL,
        serial,
        status: MessageStatus.OK,
      },
      writer.bytes(),
    );
    return new Promise<R>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
      const entry: PendingCall = {
        procedure,
        resolve,
        reject,
        timer: undefined,
      };
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        entry.timer = setTimeout(() => {
          this.pending.delete(serial);
          reject(
            new LibvirtConnectionError(
              'call-timeout',
              `libvirtd did not answer ${procedure.name} within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
      }
      this.pending.set(serial, entry);
      this.send(frame);
    });
  }

  /**
   * Starts our side of keepalive: after `intervalMs` with nothing received, send a PING; after
   * `count` such PINGs with still nothing received, declare the daemon dead and close.
   * (PINGs from the daemon are always answered, keepalive on or not.)
   */
  startKeepalive(options: KeepaliveOptions): void {
    this.stopKeepalive();
    const tick = Math.max(50, Math.floor(options.intervalMs / 2));
    let lastPingAt = 0;
    this.keepaliveTimer = setInterval(() => {
      const now = Date.now();
      if (now - this.lastReceivedAt < options.intervalMs) return;
      if (now - lastPingAt < options.intervalMs) return;
      if (this.unansweredPings >= options.count) {
        const silentFor = now - this.lastReceivedAt;
        this.destroy(
          new LibvirtConnectionError(
            'keepalive-timeout',
            `libvirtd stopped answering: no reply to ${options.count} keepalive pings (silent for ${silentFor} ms)`,
          ),
        );
        return;
      }
      lastPingAt = now;
      this.unansweredPings++;
      this.sendKeepalive(KeepaliveProcedure.PING);
    }, tick);
    this.keepaliveTimer.unref();
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }

  /** Closes the stream and fails pending calls with `error` (default: closed by us). */
  destroy(error = new LibvirtConnectionError('closed', 'connection closed by the client')): void {
    this.shutdown(error);
    this.stream.destroy();
  }

  private takeSerial(): number {
    const serial = this.nextSerial;
    this.nextSerial = this.nextSerial >= 0xffffffff ? 1 : this.nextSerial + 1;
    return serial;
  }

  private sendKeepalive(procedure: number): void {
    if (this.closedWith) return;
    this.send(
      encodePacket(
        {
          program: KEEPALIVE_PROGRAM,
          version: KEEPALIVE_PROTOCOL_VERSION,
          procedure,
          type: MessageType.MESSAGE,
          serial: 0,
          status: MessageStatus.OK,
        },
        EMPTY,
      ),
    );
  }

  private send(frame: Buffer): void {
    if (!this.oneMessagePerWrite) {
      this.stream.write(frame);
      return;
    }
    this.outbox.push(frame);
    this.flushOutbox();
  }

  private flushOutbox(): void {
    if (this.writing || this.closedWith) return;
    const frame = this.outbox.shift();
    if (!frame) return;
    this.writing = true;
    this.stream.write(frame, () => {
      this.writing = false;
      this.flushOutbox();
    });
  }

  private onData(chunk: Buffer): void {
    this.lastReceivedAt = Date.now();
    this.unansweredPings = 0;
    let packets: Packet[];
    try {
      packets = this.decoder.push(chunk);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.destroy(
        new LibvirtConnectionError('protocol', `libvirtd sent a malformed message: ${message}`, { cause: error }),
      );
      return;
    }
    for (const packet of packets) this.route(packet);
  }

  private route(packet: Packet): void {
    const { header } = packet;
    if (header.program === KEEPALIVE_PROGRAM) {
      if (header.procedure === KeepaliveProcedure.PING) this.sendKeepalive(KeepaliveProcedure.PONG);
      return;
    }
    if (header.program !== REMOTE_PROGRAM) {
      this.destroy(
        new LibvirtConnectionError(
          'protocol',
          `libvirtd sent a message of unknown program 0x${header.program.toString(16)}`,
        ),
      );
      return;
    }
    if (header.type === MessageType.MESSAGE) {
      this.emit('message', packet);
      return;
    }
    if (header.type !== MessageType.REPLY) return;
    const call = this.pending.get(header.serial);
    // A reply to a call that already timed out: nobody waits for it any more.
    if (!call) return;
    this.pending.delete(header.serial);
    if (call.timer) clearTimeout(call.timer);
    try {
      if (header.status === MessageStatus.OK) {
        call.resolve(decodeValue(call.procedure.reply, packet.payload, `${call.procedure.name} reply`));
      } else if (header.status === MessageStatus.ERROR) {
        const fields = decodeValue(remoteError, packet.payload, `${call.procedure.name} error`);
        call.reject(new LibvirtError(call.procedure.name, fields));
      } else {
        call.reject(
          new LibvirtProtocolError(`unexpected status ${header.status} in the reply to ${call.procedure.name}`),
        );
      }
    } catch (error) {
      call.reject(error instanceof Error ? error : new LibvirtProtocolError(String(error)));
    }
  }

  private shutdown(error: LibvirtConnectionError): void {
    if (this.closedWith) return;
    this.closedWith = error;
    this.stopKeepalive();
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      if (call.timer) clearTimeout(call.timer);
      call.reject(
        new LibvirtConnectionError(error.reason, `${call.procedure.name} failed: ${error.message}`, { cause: error }),
      );
    }
    this.emit('close', error);
  }
}
