import type { AnyBlock } from '@slack/types';
import { checkBlocks } from './block-kit.js';
import type { EphemeralMessage, ResponseUrlRecord } from './workspace-state.js';
import { RESPONSE_URL_LIFETIME_MS, RESPONSE_URL_MAX_USES, type WorkspaceStore } from './workspace-store.js';

/**
 * What Slack does with a message response: a POST to a response_url, or the body of a slash
 * command's ack. Ephemeral to the person by default, `in_channel` for everyone, or replacing or
 * deleting the message the interaction came from.
 */

/** The HTTP answer to a response_url POST. */
export interface ResponseUrlAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A parsed message response (the JSON body of a response_url POST or of an ack). */
export interface MessageResponse {
  text?: unknown;
  blocks?: unknown;
  response_type?: unknown;
  replace_original?: unknown;
  delete_original?: unknown;
  thread_ts?: unknown;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The message this response would replace or delete: the interaction's message, else the URL's last post. */
function original(record: ResponseUrlRecord): { ts: string; ephemeral: boolean } | undefined {
  return record.message ?? record.posted.at(-1);
}

/**
 * Applies a message response to the store on behalf of `record`; `source` says whether it came
 * through the response_url (counted against its 5 uses in 30 minutes) or in an ack (free).
 */
export function applyMessageResponse(
  store: WorkspaceStore,
  record: ResponseUrlRecord,
  response: MessageResponse,
  source: EphemeralMessage['source'],
): ResponseUrlAnswer {
  if (source === 'response_url') {
    if (store.now() - record.issuedAt > RESPONSE_URL_LIFETIME_MS)
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    if (record.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    record.uses += 1;
  }
  const target = original(record);
  if (isTrue(response.delete_original)) {
    if (target?.ephemeral && store.findEphemeral(record.userId, target.ts))
      store.deleteEphemeral(record.userId, target.ts);
    else if (target && !target.ephemeral && store.findMessage(record.channelId, target.ts))
      store.deleteMessage(record.channelId, target.ts);
    else return { status: 404, body: { ok: false, error: 'message_not_found' } };
    return { status: 200, body: { ok: true } };
  }

  let blocks: AnyBlock[] | undefined;
  if (response.blocks !== undefined) {
    const check = checkBlocks(response.blocks);
    if (!check.ok)
      return { status: 400, body: { ok: false, error: check.error, response_metadata: { messages: check.messages } } };
    blocks = check.blocks;
  }
  const text = typeof response.text === 'string' ? response.text : undefined;
  if (text === undefined && !blocks?.length) return { status: 400, body: { ok: false, error: 'no_text' } };
  const content = { text: text ?? '', ...(blocks ? { blocks } : {}) };

  if (isTrue(response.replace_original) && target) {
    if (target.ephemeral && store.findEphemeral(record.userId, target.ts))
      store.replaceEphemeral(record.userId, target.ts, content);
    else if (!target.ephemeral && store.findMessage(record.channelId, target.ts))
      store.updateMessage(record.channelId, target.ts, content, 'replace_original');
    else return { status: 404, body: { ok: false, error: 'message_not_found' } };
    return { status: 200, body: { ok: true } };
  }

  const threadTs = typeof response.thread_ts === 'string' && response.thread_ts !== '' ? response.thread_ts : undefined;
  if (response.response_type === 'in_channel') {
    const message = store.postMessage(record.channelId, { ...content, ...(threadTs ? { threadTs } : {}) });
    record.posted.push({ ts: message.ts, ephemeral: false });
  } else {
    const message = store.postEphemeral(
      record.channelId,
      record.userId,
      { ...content, ...(threadTs ? { threadTs } : {}) },
      source,
    );
    record.posted.push({ ts: message.ts, ephemeral: true });
  }
  return { status: 200, body: { ok: true } };
}
