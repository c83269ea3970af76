/**
 * Reads HTTP/1.1 responses off one keep-alive connection, as bytes arrive: the status, and the body
 * whether framed by Content-Length or chunked (Node's servers use both). Just enough HTTP for the
 * bench's slash-command sender, which writes its requests on raw sockets so that the client's own
 * CPU (Node's http client costs several times the server's parse) stays out of the bot's ack times
 * on a 2-core machine. Not a general parser: no trailers, no 1xx, no HEAD, no body ended by close.
 */

/** One whole response. */
export interface HttpResponse {
  status: number;
  body: string;
}

/** Thrown for bytes that are not an HTTP/1.1 response this reader understands. */
export class HttpResponseError extends Error {
  override readonly name = 'HttpResponseError';
}

const HEAD_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');
/** Statuses that never have a body, so need no Content-Length. */
const NO_BODY_STATUSES = new Set([204, 304]);
/** A head longer than this is not an answer from a Slack app; stop rather than buffer forever. */
const MAX_HEAD_BYTES = 16 * 1024;

/** Feeds bytes in with {@link push}; each call returns the responses they completed, in order. */
export class HttpResponseReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds received bytes; returns every response now complete (none, one or several). */
  push(chunk: Buffer): HttpResponse[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const done: HttpResponse[] = [];
    for (;;) {
      const response = this.takeOne();
      if (!response) return done;
      done.push(response);
    }
  }

  /** True while a response has begun but not ended (the connection is not idle). */
  get midResponse(): boolean {
    return this.pending.length > 0;
  }

  private takeOne(): HttpResponse | undefined {
    const headEnd = this.pending.indexOf(HEAD_END);
    if (headEnd < 0) {
      if (this.pending.length > MAX_HEAD_BYTES)
        throw new HttpResponseError(`no end of the response head in ${this.pending.length} bytes`);
      return undefined;
    }
    const [statusLine = '', ...headerLines] = this.pending.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)?.[1];
    if (!status) throw new HttpResponseError(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const bodyStart = headEnd + HEAD_END.length;
    const framed =
      headers.get('transfer-encoding')?.toLowerCase() === 'chunked'
        ? this.chunkedBody(bodyStart)
        : this.lengthBody(
            bodyStart,
            headers.get('content-length') ?? (NO_BODY_STATUSES.has(Number(status)) ? '0' : undefined),
          );
    if (!framed) return undefined;
    this.pending = this.pending.subarray(framed.end);
    return { status: Number(status), body: framed.body.toString('utf8') };
  }

  private lengthBody(start: number, contentLength: string | undefined): { body: Buffer; end: number } | undefined {
    // A body ended by closing the connection cannot be told apart on a kept-alive one.
    if (contentLength === undefined)
      throw new HttpResponseError('neither Content-Length nor chunked: where the body ends is unknown');
    if (!/^\d{1,15}$/.test(contentLength))
      throw new HttpResponseError(`bad Content-Length ${JSON.stringify(contentLength)}`);
    const length = Number(contentLength);
    if (this.pending.length < start + length) return undefined;
    return { body: this.pending.subarray(start, start + length), end: start + length };
  }

  private chunkedBody(start: number): { body: Buffer; end: number } | undefined {
    const parts: Buffer[] = [];
    for (let at = start; ;) {
      const sizeEnd = this.pending.indexOf(LINE_END, at);
      if (sizeEnd < 0) return undefined;
      const sizeText = this.pending.subarray(at, sizeEnd).toString('latin1').split(';')[0]!.trim();
      const size = /^[0-9a-fA-F]+$/.test(sizeText) ? Number.parseInt(sizeText, 16) : Number.NaN;
      if (Number.isNaN(size)) throw new HttpResponseError(`bad chunk size ${JSON.stringify(sizeText.slice(0, 20))}`);
      const dataEnd = sizeEnd + LINE_END.length + size;
      // Every chunk, the last (size 0, no trailers) included, ends with CRLF.
      if (this.pending.length < dataEnd + LINE_END.length) return undefined;
      if (!this.pending.subarray(dataEnd, dataEnd + LINE_END.length).equals(LINE_END))
        throw new HttpResponseError('a chunk does not end with CRLF');
      if (size === 0) return { body: Buffer.concat(parts), end: dataEnd + LINE_END.length };
      parts.push(this.pending.subarray(sizeEnd + LINE_END.length, dataEnd));
      at = dataEnd + LINE_END.length;
    }
  }
}
