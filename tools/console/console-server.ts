import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { FakeSlackError, type FakeSlack, type MessageChange, type ViewChange } from '../fake-slack/index.js';

/**
 * The local console: a web page that plays Slack for the bot. The page itself is static
 * (`public/`); this module serves it and its small JSON API on the fake Slack's own port, and turns
 * what the person does on the page into what Slack would send the bot (signed slash commands, button
 * clicks, view submissions) through {@link FakeSlack}.
 */

/** Where the page's files are: next to this module, in the sources and in `dist/` alike (`npm run build` copies them). */
const PUBLIC_DIR = new URL('./public/', import.meta.url);

/** The only files the console serves, by URL path: nothing else on disk is reachable. */
const STATIC_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/console/mrkdwn.js': { file: 'mrkdwn.js', type: 'text/javascript; charset=utf-8' },
  '/console/blocks.js': { file: 'blocks.js', type: 'text/javascript; charset=utf-8' },
  '/console/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/**
 * Sent with every console answer: no other site may frame the page (so nobody can be tricked into
 * clicking Approve in a hidden frame), and the page runs only its own scripts.
 */
const SECURITY_HEADERS = {
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

/** Options of {@link LocalConsole}. */
export interface LocalConsoleOptions {
  /** A word shown next to each person in the user switcher (e.g. their role), by user id. */
  labels?: Record<string, string>;
  /** The person the page starts as. Default: the first in the directory. */
  defaultUser?: string;
  /** The channel the page opens. Default: the first channel. */
  defaultChannel?: string;
}

const userId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'a user id (U…)');
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,20}$/, 'a channel id (C…)');
const messageTs = z.string().regex(/^\d{1,12}\.\d{1,9}$/, 'a message ts');
const commandRequest = z.object({ user: userId, channel: channelId, text: z.string().max(4000) });
const messageRequest = z.object({
  user: userId,
  channel: channelId,
  text: z.string().min(1).max(4000),
  threadTs: messageTs.optional(),
});
const clickRequest = z.object({
  user: userId,
  channel: channelId,
  ts: messageTs,
  actionId: z.string().min(1).max(255),
  value: z.string().max(2000).optional(),
});
const submittedValue = z.union([z.string().max(3000), z.array(z.string().max(3000)).max(100), z.null()]);
const submitRequest = z.object({
  user: userId,
  viewId: z.string().min(1).max(64),
  values: z.record(z.string().max(255), z.union([submittedValue, z.record(z.string().max(255), submittedValue)])),
});
const closeRequest = z.object({ user: userId });

/** A slash command typed in the composer: `/vnet list` → command `/vnet`, text `list`. */
export function splitSlashCommand(line: string): { command: string; text: string } | undefined {
  const match = /^(\/[a-z][a-z0-9_-]{0,31})(?:\s+([\s\S]*))?$/.exec(line.trim());
  return match ? { command: match[1]!, text: (match[2] ?? '').trim() } : undefined;
}

class ConsoleRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves the console page and its API on a {@link FakeSlack}. Install with
 * `fake.setExtraRoutes((...args) => console.handle(...args))` (or {@link LocalConsole.attach}).
 * The API only answers same-origin JSON posts from a page loaded through 127.0.0.1 or localhost,
 * so another web site open in the same browser cannot drive it.
 */
export class LocalConsole {
  private readonly streams = new Set<ServerResponse>();
  private readonly fake: FakeSlack;
  private readonly options: LocalConsoleOptions;
  private readonly notify = (change: MessageChange | ViewChange): void => this.broadcast(change);
  private closed = false;

  constructor(fake: FakeSlack, options: LocalConsoleOptions = {}) {
    this.fake = fake;
    this.options = options;
    fake.store.on('message', this.notify).on('view', this.notify);
  }

  /** Creates a console and installs it on `fake`. */
  static attach(fake: FakeSlack, options: LocalConsoleOptions = {}): LocalConsole {
    const console = new LocalConsole(fake, options);
    fake.setExtraRoutes((request, response, url, body) => console.handle(request, response, url, body));
    return console;
  }

  /** Ends the live-update streams (call before closing the fake, whose close waits for open connections). */
  close(): void {
    this.closed = true;
    this.fake.store.off('message', this.notify).off('view', this.notify);
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }

  /** Answers a request for the page or its API; false when the path is not the console's. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer): Promise<boolean> {
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return true;
    }
    const staticFile = STATIC_FILES[url.pathname];
    if (!staticFile && !url.pathname.startsWith('/console/api/')) return false;
    try {
      this.checkHost(request);
      if (staticFile) {
        if (request.method !== 'GET' && request.method !== 'HEAD') throw new ConsoleRequestError(405, 'GET only');
        const content = await readFile(new URL(staticFile.file, PUBLIC_DIR));
        response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': staticFile.type, 'Cache-Control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : content);
        return true;
      }
      const route = url.pathname.slice('/console/api/'.length);
      if (request.method === 'GET' && route === 'state') {
        this.json(response, 200, this.state(url.searchParams.get('user')));
      } else if (request.method === 'GET' && route === 'events') {
        this.openStream(response);
      } else if (request.method === 'POST') {
        this.checkPost(request);
        this.json(response, 200, await this.act(route, parseJson(body)));
      } else {
        throw new ConsoleRequestError(404, `no console route ${request.method ?? ''} ${url.pathname}`);
      }
    } catch (error) {
      const status =
        error instanceof ConsoleRequestError
          ? error.status
          : error instanceof z.ZodError
            ? 400
            : error instanceof FakeSlackError
              ? 409
              : 500;
      const message =
        error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
      if (!response.headersSent) this.json(response, status, { error: message });
      else response.end();
    }
    return true;
  }

  /** What one person's screen holds: the directory, every channel's history, their ephemerals and their open modal. */
  private state(requestedUser: string | null): unknown {
    const store = this.fake.store;
    const { directory, history } = store.state;
    const me =
      requestedUser && store.user(requestedUser) ? requestedUser : (this.options.defaultUser ?? directory.users[0]?.id);
    const channels = directory.channels.filter((channel) => !channel.isIm || channel.imUserId === me);
    const top = me ? store.openViews(me).at(-1) : undefined;
    return {
      team: directory.team,
      bot: directory.bot,
      me,
      defaultChannel: this.options.defaultChannel ?? channels[0]?.id,
      users: directory.users.map((user) => ({
        id: user.id,
        name: user.name,
        realName: user.realName ?? user.name,
        label: this.options.labels?.[user.id] ?? '',
      })),
      channels: channels.map((channel) => ({ id: channel.id, name: channel.name, isIm: channel.isIm === true })),
      history: Object.fromEntries(channels.map((channel) => [channel.id, history[channel.id] ?? []])),
      ephemerals: me ? store.ephemerals(me) : [],
      view: top ?? null,
    };
  }

  private async act(route: string, body: unknown): Promise<unknown> {
    switch (route) {
      case 'command': {
        const request = commandRequest.parse(body);
        const slash = splitSlashCommand(request.text);
        if (!slash) throw new ConsoleRequestError(400, 'a slash command starts with / and a name, e.g. /vnet help');
        const result = await this.fake.slashCommand({
          userId: request.user,
          channelId: request.channel,
          command: slash.command,
          text: slash.text,
        });
        return { status: result.status, body: result.status === 200 ? undefined : result.body };
      }
      case 'message': {
        const request = messageRequest.parse(body);
        // Slack escapes what people type, so their text can never become a link or a mention.
        const text = request.text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
        const message = this.fake.postAsUser({
          userId: request.user,
          channelId: request.channel,
          text,
          ...(request.threadTs ? { threadTs: request.threadTs } : {}),
        });
        return { ts: message.ts };
      }
      case 'click': {
        const request = clickRequest.parse(body);
        const result = await this.fake.clickButton({
          userId: request.user,
          channelId: request.channel,
          messageTs: request.ts,
          actionId: request.actionId,
          ...(request.value !== undefined ? { value: request.value } : {}),
        });
        return { status: result.status, body: result.status === 200 ? undefined : result.body };
      }
      case 'submit': {
        const request = submitRequest.parse(body);
        const result = await this.fake.submitView({
          userId: request.user,
          viewId: request.viewId,
          values: request.values,
        });
        return { status: result.status, outcome: result.outcome, errors: result.errors };
      }
      case 'close': {
        const request = closeRequest.parse(body);
        this.fake.store.closeTopView(request.user);
        return {};
      }
      default:
        throw new ConsoleRequestError(404, `no console action ${route}`);
    }
  }

  /** Server-sent events: one `change` per store change; the page then fetches the state again. */
  private openStream(response: ServerResponse): void {
    if (this.closed) throw new ConsoleRequestError(503, 'the console is closing');
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    response.write('retry: 1000\n\n');
    this.streams.add(response);
    response.on('close', () => this.streams.delete(response));
  }

  private broadcast(change: MessageChange | ViewChange): void {
    const data = JSON.stringify({
      kind: change.kind,
      ...('channel' in change ? { channel: change.channel } : { user: change.userId }),
    });
    for (const stream of this.streams) stream.write(`event: change\ndata: ${data}\n\n`);
  }

  /** Only the loopback names the console is served under: a page on another name (DNS rebinding) gets nothing. */
  private checkHost(request: IncomingMessage): void {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]')
      throw new ConsoleRequestError(403, 'the console answers on 127.0.0.1 and localhost only');
  }

  /** A JSON body (a cross-site form cannot send one without a preflight) from this page's own origin. */
  private checkPost(request: IncomingMessage): void {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw new ConsoleRequestError(415, 'send application/json');
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`)
      throw new ConsoleRequestError(403, `requests from ${origin} are refused`);
  }

  private json(response: ServerResponse, status: number, value: unknown): void {
    response.writeHead(status, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    response.end(JSON.stringify(value));
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ConsoleRequestError(400, 'the body is not JSON');
  }
}
