import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Options of {@link QuietGate}. */
export interface QuietGateOptions {
  /** Longest hold, so a steady stream of requests cannot starve the held work. Default 250 ms. */
  maxHoldMs?: number;
  /** How long a new connection counts as a request on its way (until its first request arrives). Default 50 ms. */
  newConnectionMs?: number;
  /**
   * During a burst (three or more requests in hand at once within the last 10 × `quietMs`), how long
   * the front must have been quiet (no request in hand, none arrived or answered) before the held
   * work goes. Default 3 ms. On keep-alive connections a burst's requests reach the event loop a few
   * at a time, and between two clumps nothing is in hand for a moment; without this the work of the
   * first commands started there and the rest of the burst waited behind it. Requests one at a time
   * do not wait for it, so a steady stream of them cannot hold the work until `maxHoldMs` and then
   * let it all go at once.
   */
  quietMs?: number;
}

/**
 * Holds work that can wait — what a slash command does after its ack — until the bot's HTTP front is
 * quiet: no request in hand still unanswered (in a burst, none for `quietMs`). Node runs callbacks
 * first come, first served, so once a job's Redis and Slack calls are under way their replies queue
 * among new requests, and every ack behind them waits: in a burst of commands each ack would wait
 * for the job work of those before it.
 * Held until the burst is acked, the work then starts all at once. It is never held longer than
 * `maxHoldMs`.
 *
 * Requests are counted from an HTTP server ({@link watch}); with none watched (Socket Mode) the gate
 * only yields one turn of the event loop.
 */
export class QuietGate {
  private inFlight = 0;
  private held: (() => void)[] = [];
  /** Cancels the pending check (a timer or an immediate), if any. */
  private cancelCheck: (() => void) | undefined;
  /** performance.now() of the last request arriving or ending. */
  private lastActivityAt = 0;
  /** performance.now() when three or more requests were last in hand at once. */
  private crowdedAt = Number.NEGATIVE_INFINITY;
  private deadline: NodeJS.Timeout | undefined;
  /** A new connection's "its first request arrived" callback. */
  private readonly connectionArrived = new WeakMap<Socket, () => void>();
  private readonly maxHoldMs: number;
  private readonly newConnectionMs: number;
  private readonly quietMs: number;

  constructor(options: QuietGateOptions = {}) {
    this.maxHoldMs = options.maxHoldMs ?? 250;
    this.newConnectionMs = options.newConnectionMs ?? 50;
    this.quietMs = options.quietMs ?? 3;
  }

  /**
   * Counts the requests `server` is answering, from its `request` event to the response's end; and a
   * new connection as one request on its way until its first request arrives (at most
   * `newConnectionMs`), because a burst on new connections reaches the event loop a few at a time.
   */
  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.requestArrived();
      const arrived = once(() => {
        clearTimeout(timer);
        this.requestEnded();
      });
      const timer = setTimeout(arrived, this.newConnectionMs).unref();
      this.connectionArrived.set(socket, arrived);
      socket.once('close', arrived);
    });
    server.on('request', (request, response) => {
      this.requestArrived();
      this.connectionArrived.get(request.socket)?.();
      const end = once(() => this.requestEnded());
      response.once('finish', end);
      response.once('close', end);
    });
  }

  /** A request arrived (what {@link watch} calls). */
  requestArrived(): void {
    this.inFlight += 1;
    this.lastActivityAt = performance.now();
    // Two in hand is still one at a time: a keep-alive client's next request can arrive before the
    // last answer's 'finish' (it comes from the write callback, a turn later), and a new connection
    // counts as one until its first request arrives.
    if (this.inFlight >= 3) this.crowdedAt = this.lastActivityAt;
  }

  /** A request was answered or dropped (what {@link watch} calls). */
  requestEnded(): void {
    this.inFlight -= 1;
    this.lastActivityAt = performance.now();
    this.schedule();
  }

  /** Resolves once no request is in hand, or after `maxHoldMs` at the latest. */
  quiet(): Promise<void> {
    return new Promise((resolve) => {
      if (this.held.length === 0) this.deadline = setTimeout(() => this.release(), this.maxHoldMs);
      this.held.push(resolve);
      this.schedule();
    });
  }

  /** How much work is held now. */
  get holding(): number {
    return this.held.length;
  }

  private schedule(): void {
    if (this.held.length === 0 || this.cancelCheck !== undefined || this.inFlight > 0) return;
    // A burst is over once 10 quiet times have passed without three in hand, held work or not.
    const inBurst = performance.now() - this.crowdedAt < 10 * this.quietMs;
    if (!inBurst) {
      // Checked again after the event loop's poll phase, so requests that have just arrived count first.
      const immediate = setImmediate(() => {
        this.cancelCheck = undefined;
        if (this.inFlight === 0) this.release(); // else the end of those requests schedules again
      });
      this.cancelCheck = () => clearImmediate(immediate);
      return;
    }
    // In a burst: checked again once the quiet time has passed (a timer also runs after the poll
    // phase); activity in between pushes the check further out.
    const timer = setTimeout(
      () => {
        this.cancelCheck = undefined;
        if (this.inFlight > 0) return;
        if (performance.now() - this.lastActivityAt >= this.quietMs) this.release();
        else this.schedule();
      },
      Math.max(0, this.lastActivityAt + this.quietMs - performance.now()),
    );
    this.cancelCheck = () => clearTimeout(timer);
  }

  private release(): void {
    this.cancelCheck?.();
    this.cancelCheck = undefined;
    clearTimeout(this.deadline);
    this.deadline = undefined;
    for (const resolve of this.held.splice(0)) resolve();
  }
}

/** `fn` made to run at most once. */
function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
