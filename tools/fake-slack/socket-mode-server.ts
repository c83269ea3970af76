import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { FakeSlackError } from './fake-slack-error.js';

/** A websocket frame's text, whichever of ws's shapes it arrives in. */
function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data))).toString('utf8');
}

/** How long a peer gets to answer a close frame before its connection is cut. */
const CLOSE_HANDSHAKE_MS = 1_000;

function closeGracefully(socket: WebSocket): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const cut = setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_MS);
    socket.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    if (socket.readyState === socket.OPEN) socket.close(1000);
  });
}

/** Envelope types the fake sends (the ones a slash-command and interactivity bot receives). */
export type EnvelopeType = 'slash_commands' | 'interactive';

/** The app's acknowledgement of an envelope: the optional response payload. */
export interface EnvelopeAck {
  payload?: unknown;
}

interface PendingEnvelope {
  resolve(ack: EnvelopeAck): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Slack's side of Socket Mode: a websocket endpoint on the fake's HTTP server. `apps.connections.open`
 * hands out single-use URLs; a connecting app gets `hello`, then envelopes, and must ack each one with
 * `{envelope_id, payload?}`.
 */
export class SocketModeServer {
  private readonly sockets = new Set<WebSocket>();
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, PendingEnvelope>();
  private readonly server = new WebSocketServer({ noServer: true });

  constructor(
    httpServer: Server,
    private readonly baseUrl: () => string,
    private readonly appId: string,
  ) {
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  /** A new single-use `ws://…/socket?ticket=…` URL, as `apps.connections.open` returns. */
  connectionUrl(): string {
    const ticket = randomBytes(16).toString('hex');
    this.tickets.add(ticket);
    return `${this.baseUrl().replace(/^http/, 'ws')}/socket?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Whether an app is connected (then the fake delivers interactions over the socket). */
  get connected(): boolean {
    return [...this.sockets].some((socket) => socket.readyState === socket.OPEN);
  }

  /** Sends one envelope to the newest connection and waits for its ack. */
  send(type: EnvelopeType, payload: unknown, acceptsResponsePayload: boolean, timeoutMs: number): Promise<EnvelopeAck> {
    const socket = [...this.sockets].reverse().find((candidate) => candidate.readyState === candidate.OPEN);
    if (!socket) return Promise.reject(new FakeSlackError('no app is connected over Socket Mode'));
    const envelopeId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new FakeSlackError(`the app did not acknowledge ${type} envelope ${envelopeId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer });
      socket.send(
        JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: acceptsResponsePayload }),
      );
    });
  }

  /**
   * Closes every connection with a proper close handshake (an app that already said goodbye gets its
   * handshake finished, so it sees no error), then stops; fails envelopes still waiting for an ack.
   */
  async close(): Promise<void> {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new FakeSlackError(`fake Slack closed before envelope ${id} was acknowledged`));
    }
    this.pending.clear();
    await Promise.all([...this.sockets].map((socket) => closeGracefully(socket)));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://fake-slack.invalid');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/socket' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data: RawData) => this.receive(data));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
  }

  private receive(data: RawData): void {
    let message: unknown;
    try {
      message = JSON.parse(frameText(data));
    } catch {
      return; // Slack ignores frames it cannot read.
    }
    const { envelope_id: envelopeId, payload } = (typeof message === 'object' && message !== null ? message : {}) as {
      envelope_id?: unknown;
      payload?: unknown;
    };
    const pending = typeof envelopeId === 'string' ? this.pending.get(envelopeId) : undefined;
    if (!pending || typeof envelopeId !== 'string') return;
    this.pending.delete(envelopeId);
    clearTimeout(pending.timer);
    pending.resolve(payload === undefined ? {} : { payload });
  }
}
