/**
 * Monitor alerts as messages: a thread parent per network (its latest state, updated in place), one
 * reply per gathered batch listing every event, a digest for bursts across many networks, and the
 * mute notices. Every event a batch holds is shown: none is summarised away.
 */
import type { MonitorEvent } from '../contract/index.js';
import type { Message, MessageBlock } from './message.js';
import { escapeMrkdwn, inlineCode, mentionUser, slackDate } from './mrkdwn-text.js';
import { SLACK_LIMITS } from './slack-limits.js';

/** The thread key of events about a whole host (no network and no bridge), as the alert feed groups them. */
export const WHOLE_HOST = '-';

/** Events per digest message: a table of this many rows stays well inside one message. */
export const DIGEST_EVENTS_PER_MESSAGE = 60;

type Tone = 'bad' | 'good' | 'info';

const HEALTH_KINDS: ReadonlySet<MonitorEvent['kind']> = new Set([
  'dnsmasq-died',
  'dnsmasq-back',
  'uplink-carrier-lost',
  'uplink-carrier-back',
  'dhcp-nearly-full',
  'dhcp-ok',
  'host-unreachable',
  'host-back',
  'libvirt-disconnected',
  'libvirt-back',
]);

const TONE_ICON: Record<Tone, string> = {
  bad: ':red_circle:',
  good: ':large_green_circle:',
  info: ':large_blue_circle:',
};

const BAD_KINDS: ReadonlySet<MonitorEvent['kind']> = new Set([
  'network-stopped',
  'network-undefined',
  'bridge-down',
  'bridge-missing',
  'dnsmasq-died',
  'uplink-carrier-lost',
  'dhcp-nearly-full',
  'host-unreachable',
  'libvirt-disconnected',
  'job-refused',
]);
const GOOD_KINDS: ReadonlySet<MonitorEvent['kind']> = new Set([
  'network-started',
  'bridge-up',
  'bridge-back',
  'dnsmasq-back',
  'uplink-carrier-back',
  'dhcp-ok',
  'host-back',
  'libvirt-back',
]);

function toneOf(event: MonitorEvent): Tone {
  if (event.kind === 'port-stp-changed') return event.to === 'forwarding' ? 'good' : 'bad';
  return BAD_KINDS.has(event.kind) ? 'bad' : GOOD_KINDS.has(event.kind) ? 'good' : 'info';
}

/** What happened, in plain words (no mrkdwn): "stopped", "port vnet3 (VM web1) attached to vnbr1". */
export function describeChange(event: MonitorEvent): string {
  const port = event.port ? `${event.port}${event.vm ? ` (VM ${event.vm})` : ''}` : 'a port';
  const bridge = event.bridge ?? 'its bridge';
  switch (event.kind) {
    case 'network-defined':
      return 'defined';
    case 'network-undefined':
      return 'deleted (undefined)';
    case 'network-started':
      return 'started';
    case 'network-stopped':
      return 'stopped';
    case 'bridge-down':
      return `bridge ${bridge} set down`;
    case 'bridge-up':
      return `bridge ${bridge} set up`;
    case 'bridge-missing':
      return `host bridge ${bridge} is gone`;
    case 'bridge-back':
      return `host bridge ${bridge} is back`;
    case 'bridge-stp-changed':
      return `STP on ${bridge} turned ${event.to ?? '?'}`;
    case 'port-attached':
      return `port ${port} attached to ${bridge}`;
    case 'port-detached':
      return `port ${port} detached from ${bridge}`;
    case 'port-stp-changed':
      return `port ${port} on ${bridge}: STP ${event.from ?? '?'} → ${event.to ?? '?'}`;
    case 'address-added':
      return `address ${event.address ?? '?'} added to ${bridge}`;
    case 'address-removed':
      return `address ${event.address ?? '?'} removed from ${bridge}`;
    case 'dnsmasq-died':
      return 'dnsmasq died (no DHCP/DNS)';
    case 'dnsmasq-back':
      return 'dnsmasq runs again';
    case 'uplink-carrier-lost':
      return `uplink ${event.port ?? '?'} lost carrier`;
    case 'uplink-carrier-back':
      return `uplink ${event.port ?? '?'} has carrier again`;
    case 'dhcp-nearly-full':
      return 'DHCP range nearly full';
    case 'dhcp-ok':
      return 'DHCP range has room again';
    case 'host-unreachable':
      return 'host unreachable';
    case 'host-back':
      return 'host back';
    case 'libvirt-disconnected':
      return 'libvirt unreachable';
    case 'libvirt-back':
      return 'libvirt back';
    case 'job-refused': {
      // What the job claimed is unverified: it names the claimed requester, never vouches for them.
      const job = event.job;
      const who = job ? (job.userName ?? job.userId) : '';
      const what = job ? `${job.name} job ${job.id}${who ? ` claiming to be from ${who}` : ''}` : 'a job';
      const why = event.detail?.replace(/^refused: /, '');
      return `security: refused ${what}${event.check ? ` [${event.check}]` : ''}${why ? `: ${why}` : ''}`;
    }
  }
}

/** Who or what caused it, in mrkdwn: "by @ana via job 123", "⚠ outside vnetops", … */
function causeMrkdwn(event: MonitorEvent): string {
  switch (event.source) {
    case 'job':
      return event.job
        ? `by ${mentionUser(event.job.userId)} via job ${inlineCode(event.job.id)} (${event.job.name})`
        : 'by a vnetops job';
    case 'outside':
      return ':warning: *outside vnetops* (no vnetops job did this: virsh or another tool?)';
    case 'reconciled':
      return `found afterwards: it happened while the monitor could not see${event.blindSince ? ` (since ${slackDate(event.blindSince)})` : ''}`;
    case 'observed':
      return '';
  }
}

/** The same, as plain text for tables. */
function causePlain(event: MonitorEvent): string {
  switch (event.source) {
    case 'job':
      return event.job ? `job ${event.job.id} by ${event.job.userName ?? event.job.userId}` : 'vnetops job';
    case 'outside':
      return 'OUTSIDE vnetops';
    case 'reconciled':
      return 'while monitor blind';
    case 'observed':
      return '-';
  }
}

/** One bullet line for an event in a thread reply. */
function eventLine(event: MonitorEvent): string {
  const cause = causeMrkdwn(event);
  // Bridge and port details repeat the description; health and blind-spot details add to it.
  const detail =
    !event.detail || !(HEALTH_KINDS.has(event.kind) || event.source === 'reconciled')
      ? ''
      : event.source === 'reconciled'
        ? ` (${escapeMrkdwn(event.detail)})`
        : ` — ${escapeMrkdwn(event.detail)}`;
  return `${TONE_ICON[toneOf(event)]} ${slackDate(event.at)} *${escapeMrkdwn(describeChange(event))}*${cause ? ` ${cause}` : ''}${detail}`;
}

/** The parent of a network's alert thread: which network, and its latest change. Updated in place. */
export function alertThreadParent(host: string, network: string, latest: MonitorEvent, total: number): Message {
  const cause = causeMrkdwn(latest);
  // Events about a whole host (no network, no bridge) share one thread per host.
  const wholeHost = network === WHOLE_HOST;
  const subject = wholeHost ? `Host ${inlineCode(host)}` : `Network ${inlineCode(network)} on host ${inlineCode(host)}`;
  const count = `${total} ${total === 1 ? 'alert' : 'alerts'} in this thread · latest ${slackDate(latest.at)}`;
  return {
    text: `${wholeHost ? host : `${network} on ${host}`}: ${describeChange(latest)}${latest.source === 'outside' ? ' (outside vnetops)' : ''}`,
    blocks: [
      {
        kind: 'section',
        text: `${TONE_ICON[toneOf(latest)]} ${subject}: *${escapeMrkdwn(describeChange(latest))}*${cause ? ` ${cause}` : ''}`,
      },
      {
        kind: 'context',
        elements: [wholeHost ? count : `${count} · silence with ${inlineCode(`/vnet mute ${network} 1h`)}`],
      },
    ],
  };
}

/**
 * A batch of events about one network, as one reply in its thread. Lines are packed into sections
 * inside Slack's limits; every event gets its line.
 */
export function alertBatchMessage(host: string, network: string, events: readonly MonitorEvent[]): Message {
  const lines = events.map(eventLine);
  const outside = events.filter((e) => e.source === 'outside').length;
  return {
    text: `${events.length} ${events.length === 1 ? 'change' : 'changes'} to ${network === WHOLE_HOST ? `host ${host}` : `${network} on ${host}`}${outside > 0 ? `, ${outside} outside vnetops` : ''}`,
    blocks: packLines(lines),
  };
}

/**
 * A burst across many networks as digest messages in the channel (several when it is long), each a
 * table of its events in order. Every event is in exactly one of them.
 */
export function alertDigestMessages(events: readonly MonitorEvent[]): Message[] {
  const networks = new Set(events.map((e) => `${e.host}/${e.network ?? e.bridge ?? '-'}`)).size;
  const outside = events.filter((e) => e.source === 'outside').length;
  const parts: MonitorEvent[][] = [];
  for (let start = 0; start < events.length; start += DIGEST_EVENTS_PER_MESSAGE)
    parts.push(events.slice(start, start + DIGEST_EVENTS_PER_MESSAGE));
  const summary = `${events.length} ${events.length === 1 ? 'change' : 'changes'} on ${networks} ${networks === 1 ? 'network' : 'networks'}${outside > 0 ? `, ${outside} made outside vnetops` : ''}`;
  return parts.map((part, index) => {
    const heading = parts.length > 1 ? `${summary} (part ${index + 1} of ${parts.length})` : summary;
    const first = part[0]?.at ?? 0;
    const last = part[part.length - 1]?.at ?? first;
    return {
      text: `Burst: ${heading}`,
      blocks: [
        { kind: 'section', text: `:rotating_light: *Burst*: ${escapeMrkdwn(heading)}` },
        {
          kind: 'table',
          columns: ['Time', 'Host', 'Network', 'Change', 'Cause'],
          rows: part.map((e) => [timeOfDay(e.at), e.host, e.network ?? '-', describeChange(e), causePlain(e)]),
        },
        {
          kind: 'context',
          elements: [`From ${slackDate(first)} to ${slackDate(last)} · too many networks at once for one thread each`],
        },
      ],
    };
  });
}

/** Said in the channel when someone mutes a network. */
export function muteNotice(network: string, host: string | undefined, until: number, by: string): Message {
  const where = host ? ` on host ${inlineCode(host)}` : ' on every host';
  return {
    text: `${by} muted alerts about ${network} until ${new Date(until).toISOString()}`,
    blocks: [
      {
        kind: 'section',
        text: `:no_bell: ${mentionUser(by)} muted alerts about ${inlineCode(network)}${where} until ${slackDate(until)}. ${inlineCode(`/vnet unmute ${network}`)} ends it sooner.`,
      },
    ],
  };
}

/** Said in the channel when someone unmutes a network. */
export function unmuteNotice(network: string, host: string | undefined, by: string, suppressed: number): Message {
  const where = host ? ` on host ${inlineCode(host)}` : '';
  const held =
    suppressed === 0
      ? 'No alert was held back.'
      : `${suppressed} ${suppressed === 1 ? 'alert was' : 'alerts were'} held back while it was muted.`;
  return {
    text: `${by} unmuted alerts about ${network}`,
    blocks: [
      {
        kind: 'section',
        text: `:bell: ${mentionUser(by)} unmuted alerts about ${inlineCode(network)}${where}. ${held}`,
      },
    ],
  };
}

/** Lines packed into as few sections as fit. */
function packLines(lines: readonly string[]): MessageBlock[] {
  const limit = SLACK_LIMITS.sectionText - 10;
  const blocks: MessageBlock[] = [];
  let current = '';
  for (const line of lines) {
    const piece = line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
    if (current !== '' && current.length + 1 + piece.length > limit) {
      blocks.push({ kind: 'section', text: current });
      current = '';
    }
    current = current === '' ? piece : `${current}\n${piece}`;
  }
  if (current !== '') blocks.push({ kind: 'section', text: current });
  return blocks;
}

/** HH:MM:SS in UTC, for digest tables (plain text cannot hold Slack's local-time dates). */
function timeOfDay(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)}Z`;
}

/**
 * The bot's own word that it cannot reach Redis (posted straight to Slack, which does not depend on
 * Redis), and that Redis is back, with how long it was gone.
 */
export function redisOutageNotice(state: 'down' | 'back', since: number, now: number, gone: string): Message {
  if (state === 'down') {
    return {
      text: 'The vnetops bot cannot reach Redis',
      blocks: [
        {
          kind: 'section',
          text: `${TONE_ICON.bad} *The vnetops bot cannot reach Redis* since ${slackDate(since)}: commands cannot be queued and alerts wait on the hosts until it is back. Jobs already on a host run on.`,
        },
      ],
    };
  }
  return {
    text: `The vnetops bot reaches Redis again (after ${gone})`,
    blocks: [
      {
        kind: 'section',
        text: `${TONE_ICON.good} *The vnetops bot reaches Redis again* ${slackDate(now)}, after ${escapeMrkdwn(gone)}: alerts held meanwhile follow.`,
      },
    ],
  };
}
