/** The alert messages: golden files of each form, and the digest's promise that no event is left out. */
import { describe, expect, it } from 'vitest';
import {
  DIGEST_EVENTS_PER_MESSAGE,
  type Message,
  alertBatchMessage,
  alertDigestMessages,
  WHOLE_HOST,
  alertThreadParent,
  muteNotice,
  renderBlockKit,
  unmuteNotice,
} from '../../../src/notify/index.js';
import type { MonitorEvent } from '../../../src/contract/index.js';
import { expectGolden } from './golden-file.js';
import { NOW } from './notify-fixtures.js';
import { messageProblems } from './slack-block-shapes.js';

function pin(name: string, message: Message): void {
  const rendered = renderBlockKit(message);
  expect(messageProblems(rendered)).toEqual([]);
  expectGolden(name, rendered);
}

let sequence = 0;
const event = (fields: Partial<MonitorEvent> & Pick<MonitorEvent, 'kind'>): MonitorEvent => ({
  id: `kvm1:x:${sequence++}`,
  host: 'kvm1',
  at: NOW,
  source: 'observed',
  network: 'lab1',
  ...fields,
});

const outsideStop = event({ kind: 'network-stopped', source: 'outside', uuid: 'u-1' });
const jobStart = event({
  kind: 'network-started',
  source: 'job',
  at: NOW + 2000,
  job: { id: 'j-7f3a', name: 'start', userId: 'U123ABC', userName: 'ana' },
});
const port = event({
  kind: 'port-attached',
  bridge: 'vnbr1',
  port: 'vnet3',
  vm: 'web1',
  detail: 'vnet3 (VM web1) joined vnbr1',
  at: NOW + 3000,
});
const blind = event({
  kind: 'network-stopped',
  source: 'reconciled',
  blindSince: NOW - 60_000,
  detail: 'while the worker was disconnected from libvirt',
  at: NOW + 4000,
});

describe('alert golden files', () => {
  it('a whole host gone dark and back: its own thread, no mute hint', () => {
    const down = event({
      kind: 'host-unreachable',
      network: undefined,
      detail: 'no heartbeat from its worker for 16 s',
    });
    const back = event({
      kind: 'host-back',
      network: undefined,
      at: NOW + 90_000,
      detail: 'its worker is heard from again after 1 min 30 s',
    });
    pin('alert-host-thread-parent', alertThreadParent('kvm1', WHOLE_HOST, back, 2));
    pin('alert-host-batch', alertBatchMessage('kvm1', WHOLE_HOST, [down, back]));
  });
  it('thread parent after a change made outside vnetops', () =>
    pin('alert-thread-parent', alertThreadParent('kvm1', 'lab1', outsideStop, 1)));
  it('a batch of a network’s events as one thread reply', () =>
    pin('alert-batch', alertBatchMessage('kvm1', 'lab1', [outsideStop, jobStart, port, blind])));
  it('a burst digest', () =>
    pin(
      'alert-digest',
      alertDigestMessages([
        outsideStop,
        jobStart,
        event({ kind: 'network-defined', network: 'lab2', source: 'outside' }),
        event({ kind: 'dnsmasq-died', network: 'lab3' }),
      ])[0] as Message,
    ));
  it('a job the worker refused, as the security alert says it', () => {
    const refused = event({
      kind: 'job-refused',
      network: undefined,
      check: 'wrong-host',
      detail: 'refused: the job was signed for host "kvm2", not for this host ("kvm1")',
      job: { id: 'j-7f3a', name: 'delete', userId: 'U123ABC', userName: 'ana' },
    });
    pin('alert-job-refused', alertBatchMessage('kvm1', '-', [refused]));
  });
  it('mute and unmute notices', () => {
    pin('alert-mute', muteNotice('lab1', undefined, NOW + 2 * 3_600_000, 'U123ABC'));
    pin('alert-unmute', unmuteNotice('lab1', 'kvm1', 'U123ABC', 7));
  });
});

describe('alert digests', () => {
  it('list every event of a long burst exactly once, across as many messages as it takes', () => {
    const events = Array.from({ length: 200 }, (_, i) =>
      event({ kind: i % 2 ? 'network-stopped' : 'network-started', network: `net${String(i).padStart(3, '0')}` }),
    );
    const messages = alertDigestMessages(events);
    expect(messages).toHaveLength(Math.ceil(200 / DIGEST_EVENTS_PER_MESSAGE));
    const text = messages.map((m) => JSON.stringify(renderBlockKit(m))).join('\n');
    for (const m of messages) expect(messageProblems(renderBlockKit(m))).toEqual([]);
    expect(text).not.toContain('not shown');
    for (const e of events) expect(text.split(e.network as string).length - 1, e.network).toBe(1);
  });
});
