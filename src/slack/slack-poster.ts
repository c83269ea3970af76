import { type WebClient, WebClientEvent, ErrorCode as WebApiErrorCode } from '@slack/web-api';
import type { Logger } from 'pino';
import type { MessagePoster, PostedMessage } from '../app/index.js';
import { type Message, renderBlockKit } from '../notify/index.js';

/** Options of {@link SlackPoster}. */
export interface SlackPosterOptions {
  /** A WebClient made with `rejectRateLimitedCalls: true` and `retryConfig: { retries: 0 }` (see {@link slackClientOptions}). */
  client: WebClient;
  log: Logger;
  /** Longest wait for one 429 before trying again anyway, ms. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Called with the seconds Slack asked to wait, for metrics. */
  onRateLimited?: (method: string, retryAfterSec: number) => void;
}

/**
 * The WebClient options the poster relies on: it handles 429s itself (a 429 delays, never drops)
 * and retries only what is safe to repeat, so the client must neither retry nor swallow 429s.
 */
export const slackClientOptions = { rejectRateLimitedCalls: true, retryConfig: { retries: 0 } } as const;

/**
 * Posts and updates bot messages under Slack's rate limits, rendering them as Block Kit.
 * - A 429 waits the `Retry-After` Slack gave, then tries again: nothing is dropped.
 * - Posting is retried only when Slack certainly did not take the message (429, connection
 *   refused), so a retry never posts twice. Updates are idempotent and retried on any transport error.
 * - Updates of one message are coalesced: while one is in flight only the newest pending content is
 *   kept, so a fast job does not queue a stale trail of edits, and the last state always lands.
 */
export class SlackPoster implements MessagePoster {
  private readonly updates = new Map<string, { running: Promise<void>; next?: Message; waiters: (() => void)[] }>();
  private readonly maxRetryAfterMs: number;

  constructor(private readonly options: SlackPosterOptions) {
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    options.client.on(WebClientEvent.RATE_LIMITED, (retryAfterSec: number, { url }: { url: string }) => {
      options.onRateLimited?.(url.slice(url.lastIndexOf('/') + 1), retryAfterSec);
    });
  }

  /** Posts a message (in a thread when `threadTs` is given). */
  async post(channel: string, message: Message, threadTs?: string): Promise<PostedMessage> {
    const body = renderBlockKit(message);
    const response = await this.withRetries('chat.postMessage', false, () =>
      this.options.client.chat.postMessage({
        channel,
        text: body.text,
        blocks: body.blocks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
    if (!response.ts || !response.channel) throw new Error('chat.postMessage answered without ts or channel');
    return { channel: response.channel, ts: response.ts };
  }

  /** Posts a message only `user` sees. */
  async postEphemeral(channel: string, user: string, message: Message, threadTs?: string): Promise<void> {
    const body = renderBlockKit(message);
    await this.withRetries('chat.postEphemeral', false, () =>
      this.options.client.chat.postEphemeral({
        channel,
        user,
        text: body.text,
        blocks: body.blocks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
  }

  /**
   * Replaces a message's content. Resolves when this content (or newer content given meanwhile)
   * is in Slack. Never throws: a failed update is logged, and the next one carries the state anyway.
   */
  update(message: PostedMessage, body: Message): Promise<void> {
    const key = `${message.channel}/${message.ts}`;
    const current = this.updates.get(key);
    if (current) {
      current.next = body;
      return new Promise((resolve) => current.waiters.push(resolve));
    }
    const entry: { running: Promise<void>; next?: Message; waiters: (() => void)[] } = {
      running: Promise.resolve(),
      waiters: [],
    };
    this.updates.set(key, entry);
    entry.running = (async () => {
      let content: Message | undefined = body;
      while (content) {
        const waiters = entry.waiters.splice(0);
        await this.sendUpdate(message, content);
        for (const wake of waiters) wake();
        content = entry.next;
        entry.next = undefined;
      }
      this.updates.delete(key);
    })();
    return entry.running;
  }

  /** Waits for every update in flight (for an orderly shutdown). */
  async settle(): Promise<void> {
    while (this.updates.size > 0) await Promise.all([...this.updates.values()].map((u) => u.running));
  }

  private async sendUpdate(message: PostedMessage, content: Message): Promise<void> {
    const body = renderBlockKit(content);
    try {
      await this.withRetries('chat.update', true, () =>
        this.options.client.chat.update({
          channel: message.channel,
          ts: message.ts,
          text: body.text,
          blocks: body.blocks,
        }),
      );
    } catch (error) {
      this.options.log.warn(
        { err: errorText(error), channel: message.channel, ts: message.ts },
        'could not update a Slack message',
      );
    }
  }

  private async withRetries<T>(method: string, idempotent: boolean, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const retryAfterMs = retryDelay(error, idempotent, attempt);
        if (retryAfterMs === undefined) throw error;
        this.options.log.debug({ method, retryAfterMs, attempt }, 'Slack call retried');
        await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfterMs, this.maxRetryAfterMs)));
      }
    }
  }
}

/** How long to wait before trying again, or undefined when the call must not be repeated. */
function retryDelay(error: unknown, idempotent: boolean, attempt: number): number | undefined {
  const coded = error as {
    code?: string;
    retryAfter?: number;
    original?: { code?: string; cause?: { code?: string } };
  };
  // Slack refused the call for its rate limit: it did nothing, so trying again is always safe.
  if (coded.code === WebApiErrorCode.RateLimitedError) return (coded.retryAfter ?? 1) * 1000;
  if (coded.code !== WebApiErrorCode.RequestError || attempt > 5) return undefined;
  const cause = coded.original?.cause?.code ?? coded.original?.code;
  if (idempotent || cause === 'ECONNREFUSED') return 250 * 2 ** (attempt - 1);
  return undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
