/**
 * The bench's Slack side for ack timing: a lean process of its own that sends slash commands to the
 * bot as Slack does (form body, HMAC-signed when sent, HTTP keep-alive) and times each until the bot's
 * HTTP answer. It runs apart from the fake Slack so the clock is not held up by the fake serving the
 * bot's Web API calls, or by its bookkeeping, in the same event loop.
 *
 * Started with `fork` ({@link SlashCommandSender.start}); the bench hands it batches of prepared,
 * unsigned form fields (`FakeSlack.prepareSlashCommand`). A batch is "typed at once": every request's
 * clock starts when the batch arrives, so encoding, signing and sending the earlier ones counts in the
 * later ones' times, as it does for a real client.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { slackSignatureHeaders } from '../src/fake-slack/index.js';

/** One answer: ms from the batch's start to the last byte of the bot's HTTP answer. */
export interface TimedAnswer {
  ms: number;
  status: number;
  body: string;
}

type BatchMessage = { kind: 'batch'; url: string; signingSecret: string; forms: Record<string, string>[]; timeoutMs: number };
type ResultMessage = { kind: 'results'; answers: TimedAnswer[] } | { kind: 'error'; message: string };

/** The parent's handle on a sender process. */
export class SlashCommandSender {
  private constructor(private readonly child: ChildProcess) {}

  /** Forks the sender (TypeScript through tsx, like the rest of the bench); `nodeArgs` e.g. for `--cpu-prof`. */
  static start(nodeArgs: string[] = []): SlashCommandSender {
    const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: [...nodeArgs, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

/** Connections are kept and reused, as Slack's own client does between requests to an app. */
const agent = new Agent({ keepAlive: true });

function sendOne(url: URL, signingSecret: string, form: Record<string, string>, startedAt: number, timeoutMs: number): Promise<TimedAnswer> {
  const body = new URLSearchParams(form).toString();
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': Buffer.byteLength(body),
    ...slackSignatureHeaders(signingSecret, body),
  };
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ ms: performance.now() - startedAt, status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`the bot did not answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function serve(): void {
  process.on('message', (message: BatchMessage) => {
    const startedAt = performance.now();
    const url = new URL(message.url);
    Promise.all(message.forms.map((form) => sendOne(url, message.signingSecret, form, startedAt, message.timeoutMs))).then(
      (answers) => process.send?.({ kind: 'results', answers } satisfies ResultMessage),
      (error: unknown) => process.send?.({ kind: 'error', message: error instanceof Error ? error.message : String(error) } satisfies ResultMessage),
    );
  });
  // The parent going away (IPC closed) ends the sender too; exiting (not dying of the signal) lets --cpu-prof write its profile.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv.includes('--serve')) serve();
