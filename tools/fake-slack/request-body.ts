import type { IncomingMessage } from 'node:http';

/**
 * Reading what the bot sends the fake: Web API arguments in any of the encodings Slack accepts, and
 * the raw bytes of a file upload.
 */

/** Arguments Slack takes as JSON strings in form posts; parsed so handlers and the call record see objects. */
const JSON_ARGUMENTS = ['blocks', 'attachments', 'view', 'files', 'metadata'] as const;

/** The largest body the fake reads (Slack's own file limit is far above what vnetops uploads). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Reads the whole request body; rejects one larger than {@link MAX_BODY_BYTES}. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Parses multipart/form-data with the platform's own parser (undici's), not by hand. */
async function parseMultipart(contentType: string, body: Buffer): Promise<FormData> {
  return new Request('http://fake-slack.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  }).formData();
}

/**
 * Web API arguments from a request: query string, then the body (form-encoded as WebClient sends,
 * JSON, or multipart). Null when the body cannot be parsed (Slack: `invalid_form_data`/`invalid_json`).
 */
export async function parseApiArguments(
  request: IncomingMessage,
  body: Buffer,
  query: URLSearchParams,
): Promise<Record<string, unknown> | null> {
  const args: Record<string, unknown> = Object.fromEntries(query);
  const type = mediaType(request.headers['content-type']);
  if (body.length > 0) {
    if (type === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return null;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
      Object.assign(args, parsed);
    } else if (type === 'multipart/form-data') {
      try {
        const form = await parseMultipart(request.headers['content-type']!, body);
        for (const [key, value] of form)
          args[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
      } catch {
        return null;
      }
    } else {
      Object.assign(args, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    }
  }
  for (const name of JSON_ARGUMENTS) {
    const value = args[name];
    if (typeof value !== 'string') continue;
    try {
      args[name] = JSON.parse(value);
    } catch {
      // Left as the string: the method answers the format error Slack gives for it.
    }
  }
  return args;
}

/** The uploaded file's bytes: the first file part of a multipart body (WebClient), or the raw body. */
export async function parseUploadBytes(request: IncomingMessage, body: Buffer): Promise<Buffer> {
  const contentType = request.headers['content-type'];
  if (mediaType(contentType) !== 'multipart/form-data') return body;
  const form = await parseMultipart(contentType!, body);
  for (const [, value] of form) if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  const firstText = [...form.values()][0];
  return Buffer.from(typeof firstText === 'string' ? firstText : '');
}
