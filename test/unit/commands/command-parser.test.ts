import { describe, expect, it } from 'vitest';
import { type Command, type ParseResult, type UsageError, parseCommand, usageOf } from '../../../src/commands/index.js';

function parsed(text: string): Command {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${result.error.message}`);
  return result.command;
}

function refused(text: string): UsageError {
  const result: ParseResult = parseCommand(text);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(text)} to be refused, got ${JSON.stringify(result.command)}`);
  return result.error;
}

describe('parseCommand: every command', () => {
  it.each<[string, Command]>([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['help create', { kind: 'help', topic: 'create' }],
    ['help UPDATE', { kind: 'help', topic: 'update' }],
    ['list', { kind: 'list', all: false }],
    ['list --host kvm1', { kind: 'list', all: false, host: 'kvm1' }],
    ['list --all', { kind: 'list', all: true }],
    ['list --all --host kvm1', { kind: 'list', all: true, host: 'kvm1' }],
    ['info lab1', { kind: 'info', name: 'lab1', xml: false }],
    ['info lab1 --host kvm1 --xml', { kind: 'info', name: 'lab1', xml: true, host: 'kvm1' }],
    ['create', { kind: 'create-dialog' }],
    ['create nat lab1', { kind: 'create', mode: 'nat', name: 'lab1', autostart: false }],
    [
      'create nat lab1 --subnet 10.0.5.0/24 --gateway 10.0.5.1 --dhcp 10.0.5.100-10.0.5.200 --bridge vnbr7 --dev eth0 --ipv6 fd00:5::/64 --mtu 9000 --autostart --host kvm1 --reason "storage tests"',
      {
        kind: 'create',
        mode: 'nat',
        name: 'lab1',
        subnet: '10.0.5.0/24',
        gateway: '10.0.5.1',
        dhcp: { start: '10.0.5.100', end: '10.0.5.200' },
        bridge: 'vnbr7',
        dev: 'eth0',
        ipv6: 'fd00:5::/64',
        mtu: 9000,
        autostart: true,
        host: 'kvm1',
        reason: 'storage tests',
      },
    ],
    [
      'create isolated lab2 --no-dhcp',
      { kind: 'create', mode: 'isolated', name: 'lab2', dhcp: false, autostart: false },
    ],
    [
      'create open lab3 --ipv6 FD00:0005:0:0::1/64',
      { kind: 'create', mode: 'open', name: 'lab3', ipv6: 'fd00:5::1/64', autostart: false },
    ],
    ['create routed r1 --dev bond0', { kind: 'create', mode: 'routed', name: 'r1', dev: 'bond0', autostart: false }],
    [
      'create bridged lan1 --bridge br0',
      { kind: 'create', mode: 'bridged', name: 'lan1', bridge: 'br0', autostart: false },
    ],
    ['delete lab1', { kind: 'delete', name: 'lab1', force: false }],
    ['delete lab1 --force --reason done', { kind: 'delete', name: 'lab1', force: true, reason: 'done' }],
    ['start lab1', { kind: 'start', name: 'lab1' }],
    [
      'stop lab1 --host kvm2 --reason "maintenance window"',
      { kind: 'stop', name: 'lab1', host: 'kvm2', reason: 'maintenance window' },
    ],
    ['autostart lab1 on', { kind: 'autostart', name: 'lab1', enabled: true }],
    ['autostart lab1 off', { kind: 'autostart', name: 'lab1', enabled: false }],
    ['leases lab1 --host kvm1', { kind: 'leases', name: 'lab1', host: 'kvm1' }],
    ['bridges', { kind: 'bridges' }],
    ['bridges lab1 --host kvm1', { kind: 'bridges', name: 'lab1', host: 'kvm1' }],
    [
      'update lab1 dhcp-range 10.0.5.50-10.0.5.250',
      {
        kind: 'update',
        name: 'lab1',
        change: { kind: 'dhcp-range', range: { start: '10.0.5.50', end: '10.0.5.250' } },
      },
    ],
    [
      'update lab1 dhcp-host add 52:54:00:12:34:56 10.0.5.10 vm1 --reason "fixed IP for vm1"',
      {
        kind: 'update',
        name: 'lab1',
        change: { kind: 'dhcp-host-add', host: { mac: '52:54:00:12:34:56', ip: '10.0.5.10', name: 'vm1' } },
        reason: 'fixed IP for vm1',
      },
    ],
    [
      'update lab1 dhcp-host add 52:54:00:12:34:56 10.0.5.10',
      {
        kind: 'update',
        name: 'lab1',
        change: { kind: 'dhcp-host-add', host: { mac: '52:54:00:12:34:56', ip: '10.0.5.10' } },
      },
    ],
    [
      'update lab1 dhcp-host remove 52:54:00:12:34:56 --host kvm1',
      { kind: 'update', name: 'lab1', change: { kind: 'dhcp-host-remove', mac: '52:54:00:12:34:56' }, host: 'kvm1' },
    ],
    ['hosts', { kind: 'hosts' }],
    ['status 1234', { kind: 'status', jobId: '1234' }],
    ['status create:kvm1.42_a-B', { kind: 'status', jobId: 'create:kvm1.42_a-B' }],
    ['audit', { kind: 'audit', limit: 10 }],
    ['audit 1', { kind: 'audit', limit: 1 }],
    ['audit 100', { kind: 'audit', limit: 100 }],
  ])('%j', (text, command) => {
    expect(parseCommand(text)).toStrictEqual({ ok: true, command });
  });
});

describe('parseCommand: words and aliases', () => {
  it('reads the command word, modes and keywords case-insensitively', () => {
    expect(parsed('LIST')).toStrictEqual({ kind: 'list', all: false });
    expect(parsed('Create NAT lab1')).toMatchObject({ kind: 'create', mode: 'nat' });
    expect(parsed('update lab1 DHCP-Host ADD 52:54:00:12:34:56 10.0.5.10')).toMatchObject({
      change: { kind: 'dhcp-host-add' },
    });
    expect(parsed('autostart lab1 ON')).toMatchObject({ enabled: true });
  });

  it.each([
    ['route', 'routed'],
    ['ROUTE', 'routed'],
    ['routed', 'routed'],
    ['bridge', 'bridged'],
    ['Bridge', 'bridged'],
  ])('takes mode %s as %s', (typed, mode) => {
    const bridge = mode === 'bridged' ? ' --bridge br0' : '';
    expect(parsed(`create ${typed} x${bridge}`)).toMatchObject({ mode });
  });

  it.each([
    ['on', true],
    ['yes', true],
    ['true', true],
    ['off', false],
    ['no', false],
    ['False', false],
  ])('takes autostart %s as %s', (word, enabled) => {
    expect(parsed(`autostart lab1 ${word}`)).toMatchObject({ enabled });
  });

  it('normalises MAC addresses, host names and IPv6 text', () => {
    expect(parsed('update lab1 dhcp-host add 52-54-00-AB-CD-EF 10.0.5.10 VM-One')).toMatchObject({
      change: { host: { mac: '52:54:00:ab:cd:ef', name: 'vm-one' } },
    });
    expect(parsed('update lab1 dhcp-host remove 52:54:00:AB:CD:EF')).toMatchObject({
      change: { mac: '52:54:00:ab:cd:ef' },
    });
    expect(parsed('create nat lab1 --ipv6 fd00:0:0:0:0:0:0:0/64')).toMatchObject({ ipv6: 'fd00::/64' });
  });

  it('opens the dialog only for `create` with nothing after it', () => {
    expect(parsed('create')).toStrictEqual({ kind: 'create-dialog' });
    expect(parsed('  CREATE  ')).toStrictEqual({ kind: 'create-dialog' });
    expect(refused('create --host kvm1').message).toMatch(/missing MODE/);
  });

  it('answers --help and -h with the help of the command they follow', () => {
    expect(parsed('create --help')).toStrictEqual({ kind: 'help', topic: 'create' });
    expect(parsed('update lab1 -h')).toStrictEqual({ kind: 'help', topic: 'update' });
    expect(parsed('--help')).toStrictEqual({ kind: 'help' });
    expect(parsed('-h audit')).toStrictEqual({ kind: 'help', topic: 'audit' });
  });
});

describe('parseCommand: flag forms', () => {
  it('takes --flag value and --flag=value alike', () => {
    const spaced = parsed('create nat lab1 --subnet 10.0.5.0/24 --mtu 1400 --reason "a b"');
    expect(parsed('create nat lab1 --subnet=10.0.5.0/24 --mtu=1400 --reason="a b"')).toStrictEqual(spaced);
    // A quoted word is never a flag, not even when the whole flag is in the quotes.
    expect(refused('create nat lab1 "--reason=a b"').message).toMatch(/unexpected extra argument "--reason=a b"/);
  });

  it('takes flags anywhere after the command word', () => {
    const expected = parsed('update lab1 dhcp-host add 52:54:00:12:34:56 10.0.5.10 vm1 --host kvm1 --reason why');
    expect(parsed('update --host kvm1 lab1 dhcp-host --reason why add 52:54:00:12:34:56 10.0.5.10 vm1')).toStrictEqual(
      expected,
    );
    expect(parsed('update --reason=why --host=kvm1 lab1 dhcp-host add 52:54:00:12:34:56 10.0.5.10 vm1')).toStrictEqual(
      expected,
    );
  });

  it('reads flag names case-insensitively and takes the dash Slack makes of "--"', () => {
    expect(parsed('info lab1 --XML --Host kvm1')).toStrictEqual({
      kind: 'info',
      name: 'lab1',
      xml: true,
      host: 'kvm1',
    });
    expect(parsed('info lab1 —xml –host kvm1')).toStrictEqual({ kind: 'info', name: 'lab1', xml: true, host: 'kvm1' });
  });

  it('takes a value that starts with a dash when it is quoted or written after =', () => {
    expect(parsed('delete lab1 --reason "--force was wrong"')).toMatchObject({
      reason: '--force was wrong',
      force: false,
    });
    expect(parsed('delete lab1 --reason=--late')).toMatchObject({ reason: '--late' });
  });
});

describe('parseCommand: quoting', () => {
  it.each([
    ['delete lab1 --reason "tests are done"', 'tests are done'],
    ["delete lab1 --reason 'tests are done'", 'tests are done'],
    ['delete lab1 --reason “tests are done”', 'tests are done'],
    ['delete lab1 --reason ‘tests are done’', 'tests are done'],
    ['delete lab1 --reason tests\\ are\\ done', 'tests are done'],
    ['delete lab1 --reason "it\'s \\"done\\""', 'it\'s "done"'],
    ['delete lab1 --reason “it’s done”', 'it’s done'],
    ['delete lab1 --reason "$(rm -rf /) `id` $HOME *"', '$(rm -rf /) `id` $HOME *'],
    ['delete lab1 --reason "R&amp;D &lt;urgent&gt;"', 'R&D <urgent>'],
  ])('%j', (text, reason) => {
    expect(parsed(text)).toMatchObject({ reason });
  });

  it('refuses an unterminated quote, saying so', () => {
    expect(refused('delete lab1 --reason "not closed')).toMatchObject({
      message: expect.stringMatching(/quote " is never closed/) as string,
      command: 'delete',
      usage: usageOf('delete'),
    });
    expect(refused('"lab1').command).toBeUndefined();
    expect(refused('delete lab1 --reason “not closed').message).toMatch(/quote “ is never closed.*”/);
  });
});

describe('parseCommand: usage errors', () => {
  it.each<[string, RegExp, RegExp | undefined]>([
    ['creat nat lab1', /"creat" is not a \/vnet command/, /Did you mean `\/vnet create`/],
    ['lsit', /"lsit" is not a \/vnet command/, /`\/vnet list`/],
    ['stat 12', /not a \/vnet command/, /`\/vnet start`|`\/vnet status`/],
    ['frobnicate', /"frobnicate" is not a \/vnet command: the commands are help, list/, /\/vnet help/],
    ['--subnet 10.0.0.0/24', /is a flag, but a command comes first/, undefined],
  ])('unknown command %j', (text, message, suggestion) => {
    const error = refused(text);
    expect(error.message).toMatch(message);
    if (suggestion) expect(error.suggestion).toMatch(suggestion);
    expect(error.command).toBeUndefined();
  });

  it.each<[string, RegExp, string | undefined]>([
    ['create nat lab1 --subent 10.0.5.0/24', /unknown flag "--subent" for `create`/, '--subnet'],
    ['create nat lab1 --gate 10.0.5.1', /unknown flag "--gate"/, '--gateway'],
    ['create nat lab1 --nodhcp', /unknown flag "--nodhcp"/, '--no-dhcp'],
    ['create nat lab1 --autostrat', /unknown flag/, '--autostart'],
    ['info lab1 --hots kvm1', /unknown flag "--hots" for `info`: its flags are --host, --xml/, '--host'],
    ['delete lab1 --froce', /unknown flag/, '--force'],
    ['start lab1 --force', /unknown flag "--force" for `start`/, undefined],
    ['hosts --all', /`hosts` takes no flags/, undefined],
    ['start lab1 -host kvm1', /"-host" is not a flag: flags start with two dashes/, '--host'],
    ['delete lab1 -f', /"-f" is not a flag/, '--force'],
  ])('flag %j', (text, message, flag) => {
    const error = refused(text);
    expect(error.message).toMatch(message);
    if (flag === undefined) expect(error.suggestion ?? '').not.toMatch(/Did you mean/);
    else expect(error.suggestion).toBe(`Did you mean \`${flag}\`?`);
  });

  it.each([
    ['create nat lab1 --mtu 1500 --mtu 9000', /--mtu is given twice/],
    ['create nat lab1 --subnet 10.0.5.0/24 --subnet=10.0.6.0/24', /--subnet is given twice/],
    ['create nat lab1 --dhcp 10.0.5.10-10.0.5.20 --no-dhcp', /--dhcp and --no-dhcp contradict each other/],
    ['create nat lab1 --subnet', /--subnet needs a value: --subnet CIDR, e\.g\. --subnet 10\.0\.5\.0\/24/],
    ['create nat lab1 --reason --autostart', /--reason needs a value/],
    ['delete lab1 --force=yes', /--force is a switch and takes no value/],
  ])('flag use %j', (text, message) => {
    expect(refused(text).message).toMatch(message);
  });

  it.each([
    ['info', /missing NAME \(the network name\)/],
    ['create nat', /missing NAME/],
    ['autostart lab1', /missing on\|off \(the autostart setting\)/],
    ['status', /missing JOB/],
    ['update lab1', /missing the change: write dhcp-range or dhcp-host/],
    ['update lab1 dhcp-host', /missing the action: write add or remove/],
    ['update lab1 dhcp-host add 52:54:00:12:34:56', /missing IP/],
    ['update lab1 dhcp-range', /missing START-END/],
    ['info lab1 lab2', /unexpected extra argument "lab2"/],
    ['hosts now', /unexpected extra argument "now"/],
    ['update lab1 dhcp-host remove 52:54:00:12:34:56 10.0.5.1', /unexpected extra argument "10\.0\.5\.1"/],
    ['audit 5 6', /unexpected extra argument "6"/],
  ])('positionals %j', (text, message) => {
    const error = refused(text);
    expect(error.message).toMatch(message);
    expect(error.command).toBe(text.split(' ')[0]);
    expect(error.usage).toBe(usageOf(error.command ?? 'help'));
  });

  it('points at the flag meant when a flag name lost its dashes', () => {
    expect(refused('create nat lab1 subnet 10.0.5.0/24').suggestion).toMatch(
      /Did you mean `--subnet`\? Flags start with two dashes/,
    );
  });

  it.each<[string, RegExp, string | undefined]>([
    ['update lab1 dhcp-hots add', /unknown change "dhcp-hots": write dhcp-range or dhcp-host/, 'dhcp-host'],
    ['update lab1 dhcp-host ad 52:54:00:12:34:56 10.0.5.1', /unknown action "ad": write add or remove/, 'add'],
    ['update lab1 dhcp-rnage 10.0.5.1-10.0.5.9', /unknown change/, 'dhcp-range'],
  ])('keyword %j', (text, message, word) => {
    const error = refused(text);
    expect(error.message).toMatch(message);
    expect(error.suggestion).toBe(`Did you mean \`${word}\`?`);
  });

  it.each<[string, RegExp, string | undefined]>([
    [
      'create nta lab1',
      /the mode "nta" is not a network mode: choose one of nat, routed, isolated, open, bridged/,
      'nat',
    ],
    ['create rout lab1', /not a network mode/, 'routed'],
    ['create brige lab1', /not a network mode/, 'bridged'],
    ['create isolatd lab1', /not a network mode/, 'isolated'],
    ['create lab1 nat', /the mode "lab1" is not a network mode/, undefined],
  ])('mode %j', (text, message, mode) => {
    const error = refused(text);
    expect(error.message).toMatch(message);
    expect(error.suggestion).toBe(mode === undefined ? undefined : `Did you mean \`${mode}\`?`);
  });

  it('carries the command and its usage line when the command is known', () => {
    const error = refused('create nat Lab1');
    expect(error).toStrictEqual({
      message: expect.stringMatching(/the network name "Lab1" has uppercase letters/) as string,
      suggestion: 'Did you mean `lab1`?',
      usage: usageOf('create'),
      command: 'create',
    });
  });

  it('refuses text longer than 4000 characters, saying how long it is', () => {
    const error = refused(`delete lab1 --reason "${'x'.repeat(4000)}"`);
    expect(error.message).toMatch(/is 4023 characters long; at most 4000/);
  });
});

describe('parseCommand: values', () => {
  it.each([
    ['info Lab1', /network name "Lab1" has uppercase letters/],
    ['info -lab', /"-lab" is not a flag/],
    ['info "_lab"', /network name "_lab" is not a valid network name: .*start with a letter or digit/],
    [
      'info "lab 1"',
      /network name "lab 1" is not a valid network name: network names use lowercase letters a-z, digits/,
    ],
    ['info lab/1', /not a valid network name/],
    ['info ""', /the network name is empty/],
    [`info ${'a'.repeat(51)}`, /is 51 characters; at most 50/],
    ['info lab\u200b1', /"lab\\u200b1" is not a valid network name/],
    [
      'create nat lab1 --subnet 10.0.5.0',
      /--subnet "10\.0\.5\.0" has no prefix length: write it as a CIDR, e\.g\. 10\.0\.5\.0\/24/,
    ],
    ['create nat lab1 --subnet 10.0.5.0/33', /bad prefix length/],
    ['create nat lab1 --subnet 10.0.5.0/024', /bad prefix length/],
    ['create nat lab1 --subnet 10.0.5.1/24', /has host bits set/],
    ['create nat lab1 --subnet 10.0.05.0/24', /is not an IPv4 subnet/],
    ['create nat lab1 --subnet 10.5/16', /is not an IPv4 subnet/],
    ['create nat lab1 --subnet fd00::/64', /is an IPv6 subnet: --subnet takes an IPv4 subnet .* give IPv6 with --ipv6/],
    ['create nat lab1 --ipv6 10.0.5.0/24', /is an IPv4 subnet: --ipv6 takes an IPv6 subnet/],
    ['create nat lab1 --ipv6 fe80::1%eth0/64', /zone index/],
    ['create nat lab1 --ipv6 fd00::', /has no prefix length/],
    ['create nat lab1 --ipv6 fd00::/129', /bad prefix length/],
    ['create nat lab1 --ipv6 fd00:::1/64', /is not an IPv6 subnet/],
    ['create nat lab1 --gateway 10.0.5.256', /--gateway "10\.0\.5\.256" is not an IPv4 address/],
    ['create nat lab1 --gateway 10.0.5.1/24', /is a single address, so it takes no prefix length/],
    ['create nat lab1 --gateway fd00::1', /is an IPv6 address: --gateway takes an IPv4 address/],
    [
      'create nat lab1 --dhcp 10.0.5.100',
      /is not an address range: write the first and the last address joined by "-"/,
    ],
    ['create nat lab1 --dhcp 10.0.5.100-', /is not an address range/],
    ['create nat lab1 --dhcp 10.0.5.1-10.0.5.2-10.0.5.3', /is not an address range/],
    ['create nat lab1 --dhcp 10.0.5.200-10.0.5.100', /is reversed: the start must come first/],
    ['create nat lab1 --dhcp 10.0.5.100-10.0.5.300', /the range end "10\.0\.5\.300" is not an IPv4 address/],
    ['create nat lab1 --mtu 67', /--mtu "67" is not an MTU: use a whole number of bytes from 68 to 65535/],
    ['create nat lab1 --mtu 65536', /not an MTU/],
    ['create nat lab1 --mtu 1500.5', /not an MTU/],
    ['create nat lab1 --mtu -1', /--mtu "-1" is not an MTU/],
    ['create nat lab1 --bridge lo', /bridge name "lo" is the loopback device/],
    ['create nat lab1 --bridge averyveryverylongbr', /is 19 characters; Linux allows at most 15/],
    ['create nat lab1 --dev "eth 0"', /forward device "eth 0" contains " " \(a space\)/],
    ['create nat lab1 --host KVM1', /--host "KVM1" has uppercase letters/],
    ['create nat lab1 --host kvm_1', /--host "kvm_1" is not a host id: host ids are 1-32 lowercase letters/],
    [`create nat lab1 --host ${'k'.repeat(33)}`, /is not a host id/],
    ['delete lab1 --reason ""', /--reason is empty/],
    ['delete lab1 --reason "   "', /--reason is empty/],
    [`delete lab1 --reason "${'r'.repeat(501)}"`, /--reason is 501 characters; keep it to at most 500/],
    ['delete lab1 --reason "line one\nline two"', /control character: write it on one line/],
    ['delete lab1 --reason "bell\u0007"', /control character/],
    ['autostart lab1 maybe', /the autostart setting "maybe" is neither on nor off/],
    [
      'update lab1 dhcp-host add 52:54:00:12:34 10.0.5.10',
      /the MAC address "52:54:00:12:34" is not a MAC address: write six pairs of hex digits/,
    ],
    ['update lab1 dhcp-host add 52:54:00-12:34:56 10.0.5.10', /is not a MAC address/],
    ['update lab1 dhcp-host add 01:00:5e:00:00:01 10.0.5.10', /is a multicast address/],
    ['update lab1 dhcp-host add 00:00:00:00:00:00 10.0.5.10', /is all zeros/],
    ['update lab1 dhcp-host add 52:54:00:12:34:56 10.0.5', /the IP address "10\.0\.5" is not an IPv4 address/],
    [
      'update lab1 dhcp-host add 52:54:00:12:34:56 10.0.5.10 vm.one',
      /the host name "vm\.one" is not a host name: .*no dots/,
    ],
    ['update lab1 dhcp-host add 52:54:00:12:34:56 10.0.5.10 -vm', /"-vm" is not a flag/],
    ['update lab1 dhcp-host add 52:54:00:12:34:56 10.0.5.10 vm-', /is not a host name/],
    ['update lab1 dhcp-range 10.0.5.9-10.0.5.1', /the DHCP range "10\.0\.5\.9-10\.0\.5\.1" is reversed/],
    ['status "job 1"', /the job id "job 1" is not a job id/],
    [`status ${'j'.repeat(65)}`, /is not a job id/],
    ['audit 0', /the number of entries "0" is not a count: give a whole number from 1 to 100 \(default 10\)/],
    ['audit 101', /is not a count/],
    ['audit ten', /is not a count/],
    ['help crate', /the help topic "crate" is not a \/vnet command/],
  ])('%j', (text, message) => {
    expect(refused(text).message).toMatch(message);
  });

  it('suggests the fix when the fix is certain', () => {
    expect(refused('create nat lab1 --subnet 10.0.5.77/24').suggestion).toBe('Did you mean `10.0.5.0/24`?');
    expect(refused('create nat lab1 --dhcp 10.0.5.200-10.0.5.100').suggestion).toBe(
      'Did you mean `10.0.5.100-10.0.5.200`?',
    );
    expect(refused('create nat lab1 --gateway 10.0.5.1/24').suggestion).toBe('Did you mean `10.0.5.1`?');
    expect(refused('create nat lab1 --host KVM1').suggestion).toBe('Did you mean `kvm1`?');
    expect(refused('help crate').suggestion).toBe('Did you mean `create`?');
  });

  it('accepts the dashes Slack may put between the two addresses of a range', () => {
    expect(parsed('update lab1 dhcp-range 10.0.5.1–10.0.5.9')).toMatchObject({
      change: { range: { start: '10.0.5.1', end: '10.0.5.9' } },
    });
    expect(parsed('update lab1 dhcp-range 10.0.5.1—10.0.5.9')).toMatchObject({
      change: { range: { start: '10.0.5.1', end: '10.0.5.9' } },
    });
    expect(parsed('update lab1 dhcp-range 10.0.5.7-10.0.5.7')).toMatchObject({
      change: { range: { start: '10.0.5.7', end: '10.0.5.7' } },
    });
  });
});

describe('parseCommand: create rules across flags', () => {
  it.each([
    ['create bridged lan1', /bridged networks join an existing host bridge: name it with --bridge/],
    ['create bridge lan1 --bridge br0 --subnet 10.0.5.0/24', /remove --subnet/],
    ['create bridged lan1 --bridge br0 --gateway 10.0.5.1', /remove --gateway/],
    ['create bridged lan1 --bridge br0 --dhcp 10.0.5.2-10.0.5.9', /remove --dhcp/],
    ['create bridged lan1 --bridge br0 --no-dhcp', /remove --no-dhcp/],
    ['create bridged lan1 --bridge br0 --ipv6 fd00::/64', /remove --ipv6/],
    ['create bridged lan1 --bridge br0 --mtu 9000', /libvirt refuses an MTU on bridged networks/],
    ['create bridged lan1 --bridge br0 --dev eth0', /remove --dev/],
    [
      'create isolated lab1 --dev eth0',
      /isolated networks forward nothing out of the host, so they take no forward device/,
    ],
    ['create open lab1 --dev eth0', /open networks .* take no forward device/],
    [
      'create nat lab1 --subnet 10.0.5.0/24 --gateway 10.0.6.1',
      /--gateway 10\.0\.6\.1 is outside --subnet 10\.0\.5\.0\/24/,
    ],
    [
      'create nat lab1 --subnet 10.0.5.0/24 --dhcp 10.0.5.100-10.0.6.10',
      /reaches outside --subnet 10\.0\.5\.0\/24 \(10\.0\.6\.10\)/,
    ],
    [
      'create nat lab1 --subnet 10.0.5.0/24 --gateway 10.0.5.150 --dhcp 10.0.5.100-10.0.5.200',
      /contains the gateway 10\.0\.5\.150/,
    ],
    ['create nat lab1 --ipv6 fd00::/64 --mtu 1200', /--mtu 1200 is too small for IPv6, which needs at least 1280/],
  ])('%j', (text, message) => {
    const error = refused(text);
    expect(error.message).toMatch(message);
    expect(error.command).toBe('create');
  });

  it('lets each mode take the options it has a use for', () => {
    expect(parsed('create routed r1 --dev eth0 --subnet 10.0.5.0/24 --gateway 10.0.5.254')).toMatchObject({
      mode: 'routed',
      dev: 'eth0',
    });
    expect(parsed('create nat lab1 --bridge vnbr3 --mtu 1280 --ipv6 fd00::/64')).toMatchObject({
      bridge: 'vnbr3',
      mtu: 1280,
    });
    expect(parsed('create isolated lab1 --gateway 10.9.9.9 --dhcp 10.0.0.2-10.0.0.3')).toMatchObject({
      gateway: '10.9.9.9',
    });
  });
});
