/**
 * The bench's Slack side for ack timing: a lean process of its own that sends slash commands to the
 * bot as Slack does (form body, HMAC-signed when sent, HTTP/1.1 keep-alive) and times each until the
 * bot's HTTP answer. It runs apart from the fake Slack so the clock is not held up by the fake serving
 * the bot's Web API calls, or by its bookkeeping, in the same event loop.
 *
 * It writes each request as bytes on a keep-alive connection of its own and reads the answer with a
 * small reader (http-response-reader.ts) rather than through Node's http client: that client costs
 * about as much CPU per request as the server under test, and on a 2-core machine that CPU, and the
 * time to send the 49 requests before the 50th, landed in the figures (seen: a bare Bolt app's p99
 * 31–37 ms through the http client, 24 ms this way, same machine, same run).
 *
 * Started with `fork` ({@link SlashCommandSender.start}); the bench hands it batches of prepared,
 * unsigned form fields (`FakeSlack.prepareSlashCommand`). A batch is "typed at once": every request's
 * clock starts together once the batch's connections are open (one per request, kept between
 * batches), so encoding, signing and sending the earlier ones still counts in the later ones' times.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { type Socket, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { slackSignatureHeaders } from '../tools/fake-slack/index.js';
import { type HttpResponse, HttpResponseReader } from './http-response-reader.js';

/** One answer: ms from the batch's start to the last byte of the bot's HTTP answer. */
export interface TimedAnswer {
  ms: number;
  status: number;
  body: string;
}

type BatchMessage = {
  kind: 'batch';
  url: string;
  signingSecret: string;
  forms: Record<string, string>[];
  timeoutMs: number;
};
type ResultMessage = { kind: 'results'; answers: TimedAnswer[] } | { kind: 'error'; message: string };

/** The parent's handle on a sender process. */
export class SlashCommandSender {
  private constructor(private readonly child: ChildProcess) {}

  /** Forks the sender (TypeScript through tsx, like the rest of the bench); `nodeArgs` e.g. for `--cpu-prof`. */
  static start(nodeArgs: string[] = []): SlashCommandSender {
    const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
      execArgv: [...nodeArgs, '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new SlashCommandSender(child);
  }

  /** Sends every form at once to `url`, signed with `signingSecret`; resolves with the answers in the same order. */
  send(url: string, signingSecret: string, forms: Record<string, string>[], timeoutMs = 3000): Promise<TimedAnswer[]> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: ResultMessage): void => {
        this.child.off('exit', onExit);
        if (message.kind === 'results') resolve(message.answers);
        else reject(new Error(`slash command sender: ${message.message}`));
      };
      const onExit = (code: number | null): void => {
        this.child.off('message', onMessage);
        reject(new Error(`the slash command sender exited (${code})`));
      };
      this.child.once('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ kind: 'batch', url, signingSecret, forms, timeoutMs } satisfies BatchMessage);
    });
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Stops the process (by its own handle) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

// ── the child process ────────────────────────────────────────────────────────────────────────

/**
 * A connection is dropped once idle this long: Node's servers close keep-alive connections after 5 s
 * idle, and a request written just as the server closes would be lost.
 */
const IDLE_REUSE_MS = 4000;

/** One keep-alive connection to the app, answering one request at a time. */
class Connection {
  private readonly reader = new HttpResponseReader();
  private waiting: { resolve: (response: HttpResponse) => void; reject: (error: Error) => void } | undefined;
  private closedWith: Error | undefined;
  lastUsedAt = performance.now();

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let responses: HttpResponse[];
      try {
        responses = this.reader.push(chunk);
      } catch (error) {
        socket.destroy(error as Error);
        return;
      }
      for (const response of responses) {
        const waiting = this.waiting;
        this.waiting = undefined;
        this.lastUsedAt = performance.now();
        waiting?.resolve(response);
      }
    });
    socket.on('error', (error) => (this.closedWith ??= error));
    socket.on('close', () => {
      this.closedWith ??= new Error('the app closed the connection');
      this.waiting?.reject(this.closedWith);
      this.waiting = undefined;
    });
  }

  static open(url: URL): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Free for a new request: open, no answer outstanding, not idle so long the server may be closing it. */
  get reusable(): boolean {
    return (
      !this.closedWith &&
      !this.waiting &&
      !this.reader.midResponse &&
      performance.now() - this.lastUsedAt < IDLE_REUSE_MS
    );
  }

  /** Writes one request (already framed) and resolves with its answer. */
  exchange(request: string, timeoutMs: number): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      // A socket that closed after it was picked gets no 'close' again: fail now, not never.
      if (this.closedWith || this.socket.destroyed) {
        reject(this.closedWith ?? new Error('the connection to the app is closed'));
        return;
      }
      const fail = (error: Error): void => {
        clearTimeout(timer);
        if (this.waiting?.reject !== fail) return;
        this.waiting = undefined;
        reject(error);
        this.socket.destroy();
      };
      const timer = setTimeout(() => fail(new Error(`the app did not answer within ${timeoutMs} ms`)), timeoutMs);
      this.waiting = {
        resolve: (response) => {
          clearTimeout(timer);
          resolve(response);
        },
        reject: fail,
      };
      this.socket.write(request, (error) => {
        if (error) fail(error);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Per app origin, its open connections. */
const pools = new Map<string, Connection[]>();

/** `count` reusable connections to `url`'s origin: idle ones kept, the rest opened (before any clock starts). */
async function connectionsTo(url: URL, count: number): Promise<Connection[]> {
  const pool = (pools.get(url.origin) ?? []).filter((connection) => {
    if (connection.reusable) return true;
    connection.close();
    return false;
  });
  pools.set(url.origin, pool);
  while (pool.length < count) pool.push(await Connection.open(url));
  return pool.slice(0, count);
}

/** A slash command as Slack frames it: form body, signed with the secret at the moment it is sent. */
function requestBytes(url: URL, signingSecret: string, form: Record<string, string>): string {
  const body = new URLSearchParams(form).toString();
  const headers = Object.entries(slackSignatureHeaders(signingSecret, body))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`;
}

async function sendBatch(message: BatchMessage): Promise<TimedAnswer[]> {
  const url = new URL(message.url);
  const connections = await connectionsTo(url, message.forms.length);
  const startedAt = performance.now();
  return Promise.all(
    message.forms.map(async (form, i) => {
      const response = await connections[i]!.exchange(
        requestBytes(url, message.signingSecret, form),
        message.timeoutMs,
      );
      return { ms: performance.now() - startedAt, status: response.status, body: response.body };
    }),
  );
}

function serve(): void {
  process.on('message', (message: BatchMessage) => {
    sendBatch(message).then(
      (answers) => process.send?.({ kind: 'results', answers } satisfies ResultMessage),
      (error: unknown) =>
        process.send?.({
          kind: 'error',
          message: error instanceof Error ? error.message : String(error),
        } satisfies ResultMessage),
    );
  });
  // The parent going away (IPC closed) ends the sender too; exiting (not dying of the signal) lets --cpu-prof write its profile.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv.includes('--serve')) serve();
