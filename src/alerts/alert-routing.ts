/**
 * Which channels an event goes to, from the `alerts` config: every route it matches, else the
 * default channel. Checked once at start, so a misspelt kind stops the bot instead of silencing alerts.
 */
import { type BotConfig, ConfigError, type ConfigProblem } from '../config/index.js';
import { MONITOR_EVENT_KINDS, type MonitorEvent, type MonitorEventKind } from '../contract/index.js';
import { didYouMean } from '../text/index.js';

/** Kind groups a route may name instead of single kinds. */
export const ALERT_KIND_GROUPS: Readonly<Record<string, readonly MonitorEventKind[]>> = {
  lifecycle: ['network-defined', 'network-undefined', 'network-started', 'network-stopped'],
  bridge: [
    'bridge-down',
    'bridge-up',
    'bridge-missing',
    'bridge-back',
    'bridge-stp-changed',
    'address-added',
    'address-removed',
  ],
  port: ['port-attached', 'port-detached', 'port-stp-changed'],
  health: ['dnsmasq-died', 'dnsmasq-back', 'uplink-carrier-lost', 'uplink-carrier-back', 'dhcp-nearly-full', 'dhcp-ok'],
  hosts: ['host-unreachable', 'host-back', 'libvirt-disconnected', 'libvirt-back'],
  security: ['job-refused'],
};

interface CompiledRoute {
  readonly channel: string;
  readonly hosts?: ReadonlySet<string>;
  readonly networks?: readonly RegExp[];
  readonly kinds?: ReadonlySet<MonitorEventKind>;
}

/** The compiled routing table. */
export interface AlertRouting {
  /** False when there is neither a default channel nor a route: alerts are off. */
  readonly enabled: boolean;
  /** Channels an event goes to (none when alerts are off). */
  channelsFor(event: MonitorEvent): string[];
}

/**
 * Compiles the `alerts` config.
 * @throws {ConfigError} naming every unknown kind, with the closest known one.
 */
export function compileAlertRouting(alerts: BotConfig['alerts']): AlertRouting {
  const problems: ConfigProblem[] = [];
  const known = [...MONITOR_EVENT_KINDS, ...Object.keys(ALERT_KIND_GROUPS)];
  const routes = alerts.routes.map((route, index): CompiledRoute => {
    const kinds = route.kinds?.flatMap((kind): MonitorEventKind[] => {
      const group = ALERT_KIND_GROUPS[kind];
      if (group) return [...group];
      if ((MONITOR_EVENT_KINDS as readonly string[]).includes(kind)) return [kind as MonitorEventKind];
      const guess = didYouMean(kind, known);
      problems.push({
        path: `alerts.routes.${index}.kinds`,
        source: 'file',
        message: `"${kind}" is not an event kind${guess ? ` — did you mean "${guess}"?` : ''} (kinds: ${known.join(', ')})`,
      });
      return [];
    });
    return {
      channel: route.channel,
      ...(route.hosts ? { hosts: new Set(route.hosts) } : {}),
      ...(route.networks ? { networks: route.networks.map(globToRegExp) } : {}),
      ...(kinds ? { kinds: new Set(kinds) } : {}),
    };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const fallback = alerts.channel;
  return {
    enabled: fallback !== undefined || routes.length > 0,
    channelsFor(event) {
      const matched = routes.filter((route) => matches(route, event)).map((route) => route.channel);
      const channels = matched.length > 0 ? matched : fallback !== undefined ? [fallback] : [];
      return [...new Set(channels)];
    },
  };
}

function matches(route: CompiledRoute, event: MonitorEvent): boolean {
  if (route.hosts && !route.hosts.has(event.host)) return false;
  if (route.kinds && !route.kinds.has(event.kind)) return false;
  if (route.networks) {
    const network = event.network;
    if (network === undefined || !route.networks.some((pattern) => pattern.test(network))) return false;
  }
  return true;
}

/** `lab*` → /^lab.*$/; every other character literal. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
      .join('.*')}$`,
  );
}
