/**
 * Says when a whole host goes dark and when it comes back: the host registry's heartbeats, checked
 * every few seconds, become `host-unreachable` and `host-back` monitor events on the same stream the
 * workers write, so they go through the alert feed's routing, threads (one per host: a host that
 * flaps is one thread) and batching like any other alert.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { HostStatus, MonitorEvent } from '../contract/index.js';
import type { HostRegistry, MonitorEventWriter } from '../queue/index.js';
import { duration } from '../text/index.js';

/** Options of {@link HostWatch}. */
export interface HostWatchOptions {
  registry: HostRegistry;
  redis: Redis;
  prefix: string;
  writer: MonitorEventWriter;
  log: Logger;
  /** How often the registry is read, ms. Default 2000. */
  intervalMs?: number;
}

/** How long a down-mark outlives a host that never comes back (its record removed): 30 days. */
const DOWN_MARK_TTL_SECONDS = 30 * 86_400;

/** Watches the registry; see the module comment. */
export class HostWatch {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  /** Whether each host was up at this replica's last look (absent: not seen yet). */
  private readonly lastSeenUp = new Map<string, boolean>();

  constructor(private readonly options: HostWatchOptions) {}

  /** Checks now and then every interval until {@link stop}. */
  start(): void {
    const tick = (): void => {
      this.checking ??= this.check()
        .catch((error: unknown) =>
          this.options.log.warn({ err: String(error) }, 'host watch: could not read the host registry'),
        )
        .finally(() => (this.checking = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs ?? 2000);
  }

  /** Stops watching; resolves once a check in flight is done. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /**
   * One look at every host. A change of state is claimed with one atomic Redis step (SET NX when a
   * host goes down, GETDEL when it is back), so among several bot replicas, and across restarts,
   * each change is reported exactly once.
   */
  async check(now = Date.now()): Promise<void> {
    const events: MonitorEvent[] = [];
    for (const host of await this.options.registry.list(now)) {
      // Redis is asked only when this replica sees a host change (or sees it for the first time):
      // a steady fleet costs one registry read per check, not a round trip per host.
      if (this.lastSeenUp.get(host.hostId) === host.up) continue;
      this.lastSeenUp.set(host.hostId, host.up);
      const key = `${this.options.prefix}:bot:host-down:${host.hostId}`;
      if (!host.up) {
        const claimed = await this.options.redis.set(
          key,
          String(host.lastHeartbeat),
          'EX',
          DOWN_MARK_TTL_SECONDS,
          'NX',
        );
        if (claimed === 'OK') events.push(unreachable(host, now));
      } else {
        const since = await this.options.redis.getdel(key);
        if (since !== null) events.push(back(host, Number(since), now));
      }
    }
    await this.options.writer.append(events);
  }
}

/** The event of a host whose heartbeat lapsed (or whose worker said it stopped). */
function unreachable(host: HostStatus, now: number): MonitorEvent {
  return {
    id: `bot:${host.hostId}:down:${host.lastHeartbeat}`,
    host: host.hostId,
    kind: 'host-unreachable',
    at: now,
    source: 'observed',
    detail:
      host.lastHeartbeat === 0
        ? 'its worker stopped (shut down on purpose)'
        : `no heartbeat from its worker for ${duration(host.silentForMs)}`,
  };
}

/** The event of a host heard from again, with how long it was gone. */
function back(host: HostStatus, lastBeatBefore: number, now: number): MonitorEvent {
  const gone = Number.isFinite(lastBeatBefore) && lastBeatBefore > 0 ? ` after ${duration(now - lastBeatBefore)}` : '';
  return {
    id: `bot:${host.hostId}:back:${host.startedAt}:${now}`,
    host: host.hostId,
    kind: 'host-back',
    at: now,
    source: 'observed',
    detail: `its worker is heard from again${gone}${host.libvirtConnected ? '' : ', but without a libvirt connection'}`,
  };
}
