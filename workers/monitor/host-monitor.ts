/**
 * The event monitor of one host worker: turns libvirt lifecycle events, bridge and link changes and
 * the worker's own health checks into monitor events on the Redis stream, each saying who or what
 * caused it. It also keeps a baseline of the host's networks in Redis and, whenever it was blind
 * (libvirt disconnected, the worker down, or an event lost), diffs and reports what changed meanwhile.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LibvirtClient, NetworkLifecycleEvent } from '../../src/libvirt/index.js';
import {
  type CommandRunner,
  type HostLinks,
  type PortOwner,
  portOwnersFromDomains,
  readHostLinks,
  readNetworkDhcpRanges,
  readNetworkForward,
} from '../../src/network/index.js';
import { type MonitorEvent, type MonitorEventKind } from '../../src/contract/index.js';
import { MonitorEventWriter } from '../../src/queue/index.js';
import { duration } from '../../src/text/index.js';
import { surveyHost } from '../host-survey.js';
import { type EventDraft, type WatchedLinks, diffHostLinks } from './bridge-diff.js';
import { dhcpUsage, isNearlyFull } from './dhcp-usage.js';
import { findNetworkDnsmasqs } from './dnsmasq-check.js';
import { EventPublisher, type UnstampedEvent } from './event-publisher.js';
import { JobAttribution } from './job-attribution.js';
import { type LinkWatcherOptions, LinkWatcher } from './link-watcher.js';
import { BaselineStore } from './monitor-baseline.js';
import { type NetworkState, applyLifecycle, diffNetworkStates } from './network-states.js';

/** Tunables of the monitor (the worker config's monitor settings). */
export interface HostMonitorOptions {
  /** Safety-net full comparison with libvirt, in ms (events can be lost). Default 60 000. */
  readonly snapshotMs?: number;
  /** dnsmasq and DHCP checks, in ms. Default 5000. */
  readonly healthCheckMs?: number;
  /** How long libvirt may be away before `libvirt-disconnected` is reported, in ms. Default 5000. */
  readonly libvirtGraceMs?: number;
  /** Share of a DHCP range in use that counts as nearly full (0–1). Default 0.9. */
  readonly dhcpNearlyFull?: number;
  /** How the link watcher spawns `ip monitor` (tests run it in a namespace). */
  readonly linkWatcher?: Omit<LinkWatcherOptions, 'log'>;
}

/** What the monitor works with. */
export interface HostMonitorDeps {
  readonly hostId: string;
  readonly libvirt: LibvirtClient;
  readonly run: CommandRunner;
  readonly redis: Redis;
  readonly prefix: string;
  readonly log: Logger;
}

/** The facts of a network the link and health checks need, from its XML. */
interface NetworkDetails {
  /** libvirt's forward mode (nat, route, open, bridge, …); absent = isolated. */
  readonly forwardMode?: string;
  readonly bridge?: string;
  readonly forwardDev?: string;
  readonly dhcp?: { readonly start: string; readonly end: string };
}

/** Bridge changes a network's own start or stop also makes on its way (see holdIfLifecycleNear). */
const LIFECYCLE_SIDE_KINDS: ReadonlySet<MonitorEventKind> = new Set([
  'bridge-down',
  'bridge-up',
  'bridge-stp-changed',
  'address-added',
  'address-removed',
  'port-detached',
  'port-stp-changed',
]);
/** Long enough for libvirt to finish a start or stop and send its event. */
const LIFECYCLE_HOLD_MS = 1500;
/** Changes a stop makes before it deletes the bridge. */
const TEARDOWN_KINDS: ReadonlySet<MonitorEventKind> = new Set([
  'bridge-down',
  'address-removed',
  'port-detached',
  'port-stp-changed',
]);
/** A look at the links can land just after libvirt's event for the changes it shows. */
const LIFECYCLE_STRAGGLER_MS = 300;

const LIFECYCLE_KIND: Partial<Record<NetworkLifecycleEvent['kind'], MonitorEventKind>> = {
  defined: 'network-defined',
  undefined: 'network-undefined',
  started: 'network-started',
  stopped: 'network-stopped',
};

/** The running monitor of one host. */
export class HostMonitor {
  /** Jobs register here the lifecycle events they are about to cause. */
  readonly attribution = new JobAttribution();
  private readonly publisher: EventPublisher;
  private readonly baseline: BaselineStore;
  private readonly options: Required<Omit<HostMonitorOptions, 'linkWatcher'>> & Pick<HostMonitorOptions, 'linkWatcher'>;
  private networks = new Map<string, NetworkState>();
  private details = new Map<string, NetworkDetails>();
  /** Counts lifecycle events; per network, the count at its latest event (see reconcile). */
  private eventCount = 0;
  private lastEventOf = new Map<string, number>();
  private links?: HostLinks;
  /** The bridges watched at the previous look (see checkLinks). */
  private bridgesWatchedBefore = new Set<string>();
  /** When each network last had a lifecycle event (ms since epoch). */
  private lastLifecycleAt = new Map<string, number>();
  private linkWatcher?: LinkWatcher;
  private portOwnerCache = new Map<string, PortOwner>();
  private dnsmasqs = new Map<string, number>();
  private deadDnsmasq = new Set<string>();
  private fullDhcp = new Set<string>();
  private blindSince?: number;
  /** Fires when libvirt has been away longer than the grace; set while a disconnect is pending or reported. */
  private disconnectTimer?: NodeJS.Timeout;
  /** Whether the current disconnect was reported (so its end is reported too). */
  private disconnectReported = false;
  private lastSnapshotAt = Date.now();
  private timers: NodeJS.Timeout[] = [];
  private pendingHolds = new Set<NodeJS.Timeout>();
  private serial: Promise<unknown> = Promise.resolve();
  private saveTimer?: NodeJS.Timeout;
  private detailsTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly deps: HostMonitorDeps,
    options: HostMonitorOptions = {},
  ) {
    this.options = {
      snapshotMs: options.snapshotMs ?? 60_000,
      healthCheckMs: options.healthCheckMs ?? 5000,
      libvirtGraceMs: options.libvirtGraceMs ?? 5000,
      dhcpNearlyFull: options.dhcpNearlyFull ?? 0.9,
      linkWatcher: options.linkWatcher,
    };
    this.publisher = new EventPublisher(deps.hostId, new MonitorEventWriter(deps.redis, deps.prefix), deps.log);
    this.baseline = new BaselineStore(deps.redis, deps.prefix, deps.hostId);
  }

  /**
   * Starts watching. Needs libvirt lifecycle events already subscribed (the worker does that). A
   * baseline left by an earlier run is compared with the host now: what changed while no worker
   * watched is reported as reconciled.
   */
  async start(): Promise<void> {
    const { libvirt, log } = this.deps;
    libvirt.on('networkLifecycle', this.onLifecycle);
    libvirt.on('disconnected', this.onDisconnected);
    libvirt.on('reconnected', this.onReconnected);
    const saved = await this.baseline.load().catch((error: unknown) => {
      log.warn({ err: String(error) }, 'cannot read the monitor baseline; starting from what the host shows now');
      return undefined;
    });
    if (saved) this.networks = new Map(saved.networks.map((n) => [n.name, n]));
    await this.reconcile(saved ? saved.savedAt : undefined, 'while no worker was watching this host');
    // Watch first, then take the first look: a change in between is then seen twice, never missed.
    this.linkWatcher = new LinkWatcher({ ...this.options.linkWatcher, log });
    this.linkWatcher.on('change', () => this.enqueue(() => this.checkLinks()));
    await this.linkWatcher.start();
    const firstLook = await this.readLinks().catch((error: unknown) => {
      log.warn({ err: String(error) }, 'cannot read the host links; bridge alerts start with the next change');
      return undefined;
    });
    if (!this.links) {
      this.links = firstLook;
      const watched = this.watched();
      this.bridgesWatchedBefore = new Set([...watched.bridges.keys(), ...watched.hostBridges.keys()]);
    }
    this.dnsmasqs = await findNetworkDnsmasqs().catch(() => new Map<string, number>());
    this.every(this.options.snapshotMs, () =>
      this.reconcile(this.lastSnapshotAt, 'found by the periodic check: no libvirt event was seen for it'),
    );
    this.every(this.options.healthCheckMs, () => this.checkHealth());
    log.info({ networks: this.networks.size }, 'monitor watching');
  }

  /** Stops watching and saves the baseline, so the next start reports what changed meanwhile. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const { libvirt } = this.deps;
    libvirt.off('networkLifecycle', this.onLifecycle);
    libvirt.off('disconnected', this.onDisconnected);
    libvirt.off('reconnected', this.onReconnected);
    for (const timer of this.timers) clearInterval(timer);
    for (const timer of this.pendingHolds) clearTimeout(timer);
    clearTimeout(this.disconnectTimer);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    if (this.detailsTimer) clearTimeout(this.detailsTimer);
    await this.linkWatcher?.stop();
    await this.serial.catch(() => undefined);
    await this.publisher.drain(2000);
    this.publisher.close();
    await this.baseline.save(this.networks.values()).catch(() => undefined);
  }

  /** Waits until every event raised so far is on the stream (tests, benchmarks). */
  async flushed(): Promise<void> {
    await this.serial.catch(() => undefined);
    await this.publisher.drain();
  }

  private readonly onLifecycle = (event: NetworkLifecycleEvent): void => {
    const kind = LIFECYCLE_KIND[event.kind];
    if (!kind) {
      // A kind this libvirt added after us: compare with the host rather than guess.
      this.enqueue(() =>
        this.reconcile(
          this.lastSnapshotAt,
          `found after a libvirt event of a kind vnetops does not know (${event.kind})`,
        ),
      );
      return;
    }
    const { name, uuid } = event.network;
    this.lastEventOf.set(name, ++this.eventCount);
    this.lastLifecycleAt.set(name, Date.now());
    const job = this.attribution.claim(name, kind);
    this.publish({
      kind,
      at: Date.now(),
      source: job ? 'job' : 'outside',
      network: name,
      uuid,
      ...(job ? { job } : {}),
    });
    const next = applyLifecycle(this.networks.get(name), kind, name, uuid);
    if (next) this.networks.set(name, next);
    else this.networks.delete(name);
    if (kind === 'network-stopped' || kind === 'network-undefined') {
      // Its dnsmasq and leases went with it: not a death, not a full range.
      this.dnsmasqs.delete(name);
      this.deadDnsmasq.delete(name);
      this.fullDhcp.delete(name);
    }
    this.scheduleSave();
    this.scheduleDetails();
  };

  private readonly onDisconnected = (): void => {
    const since = (this.blindSince ??= Date.now());
    // A reconnect within the grace is not news; a longer outage is, once.
    this.disconnectTimer ??= setTimeout(() => {
      if (this.stopped || this.deps.libvirt.connected) return;
      this.disconnectReported = true;
      this.publish({
        kind: 'libvirt-disconnected',
        at: Date.now(),
        source: 'observed',
        detail: `the worker has had no libvirt connection for ${duration(Date.now() - since)}; jobs for this host wait`,
      });
    }, this.options.libvirtGraceMs);
  };

  private readonly onReconnected = (): void => {
    const since = this.blindSince ?? Date.now();
    this.blindSince = undefined;
    clearTimeout(this.disconnectTimer);
    this.disconnectTimer = undefined;
    const reported = this.disconnectReported;
    this.disconnectReported = false;
    this.enqueue(async () => {
      const changes = await this.reconcile(since, 'while the worker was disconnected from libvirt');
      if (!reported) return;
      const found =
        changes === 0
          ? 'nothing changed meanwhile'
          : `${changes} ${changes === 1 ? 'change' : 'changes'} found meanwhile (in their networks' threads)`;
      this.publish({
        kind: 'libvirt-back',
        at: Date.now(),
        source: 'observed',
        detail: `reconnected after ${duration(Date.now() - since)}; ${found}`,
      });
    });
  };

  /**
   * Compares what the monitor believes with what libvirt shows and reports the differences as
   * `reconciled`. A network with a lifecycle event during the read is left out: its events tell.
   * `since` undefined: first start with no baseline — adopt what is there, report nothing.
   */
  private async reconcile(since: number | undefined, why: string): Promise<number> {
    let changes = 0;
    const countBefore = this.eventCount;
    const current = await this.readNetworks();
    const skip = new Set([...this.lastEventOf].filter(([, count]) => count > countBefore).map(([name]) => name));
    const now = Date.now();
    if (since !== undefined) {
      for (const change of diffNetworkStates(this.networks, current, skip)) {
        changes += 1;
        this.publish({
          kind: change.kind,
          at: now,
          source: 'reconciled',
          network: change.network,
          uuid: change.uuid,
          blindSince: since,
          detail: why,
        });
      }
    }
    for (const [name, state] of current) if (!skip.has(name)) this.networks.set(name, state);
    for (const name of [...this.networks.keys()]) if (!current.has(name) && !skip.has(name)) this.networks.delete(name);
    this.lastSnapshotAt = now;
    this.scheduleSave(0);
    return changes;
  }

  /** Every network with its state, and (as a side effect) the details the link and health checks use. */
  private async readNetworks(): Promise<Map<string, NetworkState>> {
    const survey = await surveyHost({ libvirt: this.deps.libvirt, run: this.deps.run }, { networksOnly: true });
    const states = new Map<string, NetworkState>();
    const details = new Map<string, NetworkDetails>();
    for (const surveyed of survey.networks) {
      const { summary } = surveyed;
      states.set(summary.name, {
        name: summary.name,
        uuid: summary.uuid,
        active: summary.active,
        persistent: summary.persistent,
      });
      details.set(summary.name, detailsOf(surveyed.liveXml ?? surveyed.configXml, surveyed.bridge));
    }
    this.details = details;
    return states;
  }

  /** The links worth watching: bridges of active networks, host bridges of bridged ones, NAT/routed uplinks. */
  private watched(): WatchedLinks {
    const bridges = new Map<string, string[]>();
    const hostBridges = new Map<string, string[]>();
    const uplinks = new Map<string, string[]>();
    const add = (map: Map<string, string[]>, key: string, network: string): void => {
      map.set(key, [...(map.get(key) ?? []), network]);
    };
    for (const [name, detail] of this.details) {
      if (!this.networks.get(name)?.active) continue;
      if (detail.bridge) add(detail.forwardMode === 'bridge' ? hostBridges : bridges, detail.bridge, name);
      if (detail.forwardDev && (detail.forwardMode === 'nat' || detail.forwardMode === 'route'))
        add(uplinks, detail.forwardDev, name);
    }
    return { bridges, hostBridges, uplinks };
  }

  private async checkLinks(): Promise<void> {
    const lookedAt = Date.now();
    const after = await this.readLinks();
    const before = this.links;
    this.links = after;
    const watched = this.watched();
    const bridgesWatched = new Set([...watched.bridges.keys(), ...watched.hostBridges.keys()]);
    const watchedBefore = this.bridgesWatchedBefore;
    this.bridgesWatchedBefore = bridgesWatched;
    if (!before) return;
    const now = Date.now();
    for (const draft of diffHostLinks(before, after, watched)) {
      // A bridge watched only since its network started: its coming up and getting its address were
      // part of the start. Ports joining or leaving it are news all the same.
      if (
        draft.bridge !== undefined &&
        !watchedBefore.has(draft.bridge) &&
        draft.kind !== 'port-attached' &&
        draft.kind !== 'port-detached'
      )
        continue;
      if (LIFECYCLE_SIDE_KINDS.has(draft.kind) && draft.network !== undefined)
        this.holdIfLifecycleNear(draft, lookedAt, now);
      else this.publish({ ...draft, at: now, source: 'observed' });
    }
  }

  /**
   * Starting a network brings its bridge up and gives it its address; stopping it takes the bridge
   * down, strips the address and frees its ports — each seen before libvirt's own event. A change
   * that looks like that waits a moment: if libvirt reports the network started or stopped right
   * after (or just before: the look can lag the event), it was part of that and is not news — the
   * lifecycle alert says it all. A change well after a start (a port detached a second later) is.
   */
  private holdIfLifecycleNear(draft: EventDraft, lookedAt: number, seenAt: number): void {
    const timer = setTimeout(() => {
      this.pendingHolds.delete(timer);
      const lifecycleAt = this.lastLifecycleAt.get(draft.network ?? '');
      if (lifecycleAt !== undefined && lifecycleAt >= lookedAt - LIFECYCLE_STRAGGLER_MS) return;
      // A stop still under way (libvirt is slow with many at once) ends by deleting the bridge.
      const bridge = draft.bridge;
      const stillThere =
        TEARDOWN_KINDS.has(draft.kind) && bridge !== undefined ? this.linkExists(bridge) : Promise.resolve(true);
      void stillThere.then((exists) => {
        if (exists && !this.stopped) this.publish({ ...draft, at: seenAt, source: 'observed' });
      });
    }, LIFECYCLE_HOLD_MS);
    this.pendingHolds.add(timer);
  }

  /** Whether an interface exists right now (asked of the kernel, not of the last look). */
  private linkExists(name: string): Promise<boolean> {
    return this.deps.run('ip', ['-j', 'link', 'show', 'dev', name]).then(
      () => true,
      () => false,
    );
  }

  private readLinks(): Promise<HostLinks> {
    return readHostLinks(this.deps.run, (ports) => this.portOwners(ports));
  }

  /** VMs behind ports, from the running domains' XML; read again only when an unknown port shows up. */
  private async portOwners(ports: readonly string[]): Promise<Map<string, PortOwner>> {
    if (ports.some((port) => !this.portOwnerCache.has(port))) {
      const { libvirt } = this.deps;
      const running = (await libvirt.listDomains()).filter((domain) => domain.id !== -1);
      const xmls = await Promise.all(running.map(async (domain) => ({ xml: await libvirt.getDomainXml(domain) })));
      this.portOwnerCache = portOwnersFromDomains(xmls);
    }
    return this.portOwnerCache;
  }

  /** dnsmasq gone from a running network; DHCP ranges nearly full. libvirt reports neither. */
  private async checkHealth(): Promise<void> {
    const { libvirt } = this.deps;
    const found = await findNetworkDnsmasqs();
    const now = Date.now();
    for (const [name] of this.dnsmasqs) {
      if (found.has(name) || this.deadDnsmasq.has(name) || !this.networks.get(name)?.active) continue;
      // Ask libvirt before crying wolf: a network stopped a moment ago takes its dnsmasq along.
      const stillActive = await libvirt
        .lookupNetwork(name)
        .then((network) => libvirt.isActive(network))
        .catch(() => false);
      if (!stillActive) continue;
      this.deadDnsmasq.add(name);
      this.publish({
        kind: 'dnsmasq-died',
        at: now,
        source: 'observed',
        network: name,
        detail: `dnsmasq (pid ${this.dnsmasqs.get(name)}) is gone: no DHCP or DNS on ${name} until it is restarted (virsh net-destroy + net-start)`,
      });
    }
    for (const name of [...this.deadDnsmasq]) {
      if (!found.has(name)) continue;
      this.deadDnsmasq.delete(name);
      this.publish({
        kind: 'dnsmasq-back',
        at: now,
        source: 'observed',
        network: name,
        detail: `dnsmasq runs again (pid ${found.get(name)})`,
      });
    }
    for (const [name, pid] of found) this.dnsmasqs.set(name, pid);
    await this.checkDhcp(now);
  }

  private async checkDhcp(now: number): Promise<void> {
    const { libvirt } = this.deps;
    const candidates = [...this.details].filter(([name, detail]) => detail.dhcp && this.networks.get(name)?.active);
    await Promise.all(
      candidates.map(async ([name, detail]) => {
        const range = detail.dhcp;
        if (!range) return;
        const leases = await libvirt
          .getDhcpLeases({ name, uuid: this.networks.get(name)?.uuid ?? '' })
          .catch(() => undefined);
        if (!leases) return;
        const usage = dhcpUsage(
          range,
          leases.map((lease) => ({ ip: lease.ipAddress, expiresAt: lease.expiryTime * 1000 })),
          now,
        );
        const full = isNearlyFull(usage, this.options.dhcpNearlyFull);
        const detailText = `${usage.used} of ${usage.size} addresses of ${range.start}–${range.end} leased`;
        if (full && !this.fullDhcp.has(name)) {
          this.fullDhcp.add(name);
          this.publish({ kind: 'dhcp-nearly-full', at: now, source: 'observed', network: name, detail: detailText });
        } else if (!full && this.fullDhcp.has(name)) {
          this.fullDhcp.delete(name);
          this.publish({ kind: 'dhcp-ok', at: now, source: 'observed', network: name, detail: detailText });
        }
      }),
    );
  }

  private publish(event: UnstampedEvent): MonitorEvent {
    const stamped = this.publisher.publish(event);
    this.deps.log.debug({ event: stamped }, 'monitor event');
    return stamped;
  }

  /** Runs checks one at a time, so two reads of the host never interleave; a failure is logged, not fatal. */
  private enqueue(task: () => Promise<unknown>): void {
    if (this.stopped) return;
    this.serial = this.serial
      .then(task)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'monitor check failed'),
      );
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      // Skipped while libvirt is away: the reconnect reconciles anyway.
      if (this.deps.libvirt.connected) this.enqueue(task);
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** The network details (bridge, uplink, DHCP range) follow lifecycle events shortly after. */
  private scheduleDetails(): void {
    if (this.detailsTimer) return;
    this.detailsTimer = setTimeout(() => {
      this.detailsTimer = undefined;
      this.enqueue(async () => {
        // Only the details: between snapshots, events are the authority on state (a difference
        // found here is reported by the next reconcile, not adopted silently).
        await this.readNetworks();
        await this.checkLinks();
      });
    }, 50);
  }

  private scheduleSave(delayMs = 500): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.baseline
        .save(this.networks.values())
        .catch((error: unknown) => this.deps.log.warn({ err: String(error) }, 'cannot save the monitor baseline'));
    }, delayMs);
    this.saveTimer.unref();
  }
}

/** The details from any network's XML, read tolerantly: networks vnetops cannot model are watched too. */
function detailsOf(xml: string, bridge: string | undefined): NetworkDetails {
  try {
    const forward = readNetworkForward(xml);
    const dhcp = readNetworkDhcpRanges(xml)[0];
    return {
      ...(forward.mode ? { forwardMode: forward.mode } : {}),
      ...(bridge ? { bridge } : {}),
      ...(forward.dev ? { forwardDev: forward.dev } : {}),
      ...(dhcp ? { dhcp } : {}),
    };
  } catch {
    return bridge ? { bridge } : {};
  }
}
