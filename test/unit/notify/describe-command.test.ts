import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/commands/index.js';
import { ackMessage, describeCommand, renderBlockKit } from '../../../src/notify/index.js';

function described(line: string): string {
  const parsed = parseCommand(line);
  if (!parsed.ok) throw new Error(`${line}: ${parsed.error.message}`);
  return describeCommand(parsed.command);
}

describe('describeCommand', () => {
  it.each([
    [
      'create isolated lab1 --subnet 10.0.5.0/24 --no-dhcp --host kvm1',
      'create an isolated network lab1 (subnet 10.0.5.0/24, no DHCP) on host kvm1',
    ],
    ['create nat web', 'create a NAT network web (subnet picked from the pool)'],
    ['create bridged lan --bridge br0', 'create a bridged network lan (host bridge br0)'],
    [
      'create routed r1 --subnet 10.1.0.0/24 --dhcp 10.1.0.10-10.1.0.20 --mtu 9000 --autostart',
      'create a routed network r1 (subnet 10.1.0.0/24, DHCP 10.1.0.10-10.1.0.20, MTU 9000, autostart)',
    ],
    ['list', 'list the active networks of every host'],
    ['list --all --host kvm2', 'list the networks (inactive ones too) on host kvm2'],
    ['info lab1 --xml', 'show network lab1 with its XML'],
    ['delete lab1 --force', 'delete network lab1 (forced, even if VMs use it)'],
    ['start lab1', 'start network lab1'],
    ['autostart lab1 off', 'turn autostart off for network lab1'],
    ['leases lab1', 'show the DHCP leases of network lab1'],
    ['bridges', 'show the state of the bridges libvirt networks use'],
    [
      'update lab1 dhcp-host add 52:54:00:12:34:56 10.0.5.9 web1',
      'add a fixed DHCP address 10.0.5.9 for 52:54:00:12:34:56 (web1) of network lab1',
    ],
    ['hosts', 'show the hosts and their workers'],
    ['audit 5', 'show the last 5 audit log entries'],
  ])('%s → %s', (line, sentence) => {
    expect(described(line)).toBe(sentence);
  });

  it('the acknowledgement says "Understood" once and escapes what the person typed', () => {
    const rendered = renderBlockKit(ackMessage('Understood: delete network a&b.', 'Job j-1 is queued.'));
    expect(rendered.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Understood: delete network a&amp;b.' },
    });
    expect(renderBlockKit(ackMessage('start lab1')).text).toBe('Understood: start lab1');
  });
});
