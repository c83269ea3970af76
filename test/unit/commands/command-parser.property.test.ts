import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  type Command,
  type CreateCommand,
  type UpdateChange,
  parseCommand,
  usageOf,
} from '../../../src/commands/index.js';

// ---- Valid commands, built to already be in the parser's normal form. ----

/** Drops the keys whose value is undefined, as the parser leaves such fields out. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined });

const networkName = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,49}$/);
const hostId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,31}$/);
const interfaceName = fc
  .stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/)
  .filter((name) => !['lo', 'all', 'default'].includes(name));
const reason = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }),
    fc.string({ minLength: 1, maxLength: 120 }),
    fc.stringMatching(/^[ a-z"'\\&<>“”‘’=-]{1,40}$/),
  )
  .filter((text) => text.trim() !== '' && !/\p{Cc}/u.test(text));

const ipv4Text = (value: number): string => [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
const ipv4 = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(ipv4Text);
const ipv4Range = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
  .map(([a, b]) => ({
    start: ipv4Text(Math.min(a, b)),
    end: ipv4Text(Math.max(a, b)),
  }));

/** A subnet with a gateway and a DHCP range inside it that leaves the gateway out. */
const addressPlan = fc
  .record({
    base: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    prefix: fc.integer({ min: 8, max: 30 }),
    a: fc.nat(),
    b: fc.nat(),
  })
  .map(({ base, prefix, a, b }) => {
    const size = 2 ** (32 - prefix);
    const network = base - (base % size);
    const hosts = size - 3; // after the network address, the gateway (.1) and before the broadcast address
    const [low, high] = [2 + (a % hosts), 2 + (b % hosts)].sort((x, y) => x - y) as [number, number];
    return {
      subnet: `${ipv4Text(network)}/${prefix}`,
      gateway: ipv4Text(network + 1),
      dhcp: { start: ipv4Text(network + low), end: ipv4Text(network + high) },
    };
  });

const ipv6Cidr = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    fc.integer({ min: 0, max: 128 }),
  )
  .map(([parts, prefix]) => `${new ipaddr.IPv6(parts).toRFC5952String()}/${prefix}`);

const mac = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 })
  .map(([first = 0, ...rest]) => [first & 0xfe, ...rest])
  .filter((bytes) => bytes.some((byte) => byte !== 0))
  .map((bytes) => bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':'));
const dnsLabel = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);

const targets = { host: optional(hostId) };
const withReason = { ...targets, reason: optional(reason) };

const bridgedCreate = fc
  .record({ name: networkName, bridge: interfaceName, autostart: fc.boolean(), ...withReason })
  .map((fields): CreateCommand => compact({ kind: 'create', mode: 'bridged', ...fields }));

const ipCreate = fc
  .record({
    mode: fc.constantFrom('nat' as const, 'routed' as const, 'isolated' as const, 'open' as const),
    name: networkName,
    plan: fc.oneof(
      fc.constant(undefined),
      addressPlan.map((plan) => ({ subnet: plan.subnet, gateway: plan.gateway, dhcp: plan.dhcp })),
      addressPlan.map((plan) => ({ subnet: plan.subnet, dhcp: false as const })),
      fc.record({ gateway: optional(ipv4), dhcp: optional(ipv4Range) }),
    ),
    bridge: optional(interfaceName),
    dev: optional(interfaceName),
    ipv6: optional(ipv6Cidr),
    mtu: optional(fc.integer({ min: 1280, max: 65535 })),
    autostart: fc.boolean(),
    ...withReason,
  })
  .map(({ plan, dev, ...fields }): CreateCommand =>
    compact({
      kind: 'create',
      ...fields,
      ...plan,
      dev: fields.mode === 'nat' || fields.mode === 'routed' ? dev : undefined,
    }),
  );

const smallMtuCreate = fc
  .record({ name: networkName, mtu: fc.integer({ min: 68, max: 65535 }), autostart: fc.boolean() })
  .map((fields): CreateCommand => ({ kind: 'create', mode: 'isolated', ...fields }));

const updateChange: fc.Arbitrary<UpdateChange> = fc.oneof(
  ipv4Range.map((range) => ({ kind: 'dhcp-range' as const, range })),
  fc
    .record({ mac, ip: ipv4, name: optional(dnsLabel) })
    .map((host) => ({ kind: 'dhcp-host-add' as const, host: compact(host) })),
  mac.map((value) => ({ kind: 'dhcp-host-remove' as const, mac: value })),
);

const validCommand: fc.Arbitrary<Command> = fc.oneof(
  fc.constantFrom(...COMMAND_NAMES).map((topic): Command => ({ kind: 'help', topic })),
  fc.constant<Command>({ kind: 'help' }),
  fc
    .oneof(fc.record({ all: fc.constant(false), host: optional(hostId) }), fc.record({ all: fc.constant(true) }))
    .map((fields): Command => compact({ kind: 'list', ...fields })),
  fc
    .record({ name: networkName, xml: fc.boolean(), ...targets })
    .map((fields): Command => compact({ kind: 'info', ...fields })),
  bridgedCreate,
  ipCreate,
  smallMtuCreate,
  fc.constant<Command>({ kind: 'create-dialog' }),
  fc
    .record({ name: networkName, force: fc.boolean(), ...withReason })
    .map((fields): Command => compact({ kind: 'delete', ...fields })),
  fc
    .record({ kind: fc.constantFrom('start' as const, 'stop' as const), name: networkName, ...withReason })
    .map((fields): Command => compact(fields)),
  fc
    .record({ name: networkName, enabled: fc.boolean(), ...withReason })
    .map((fields): Command => compact({ kind: 'autostart', ...fields })),
  fc.record({ name: networkName, ...targets }).map((fields): Command => compact({ kind: 'leases', ...fields })),
  fc
    .record({ name: optional(networkName), ...targets })
    .map((fields): Command => compact({ kind: 'bridges', ...fields })),
  fc
    .record({ name: networkName, change: updateChange, ...withReason })
    .map((fields): Command => compact({ kind: 'update', ...fields })),
  fc.constant<Command>({ kind: 'hosts' }),
  fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/).map((jobId): Command => ({ kind: 'status', jobId })),
  fc.integer({ min: 1, max: 100 }).map((limit): Command => ({ kind: 'audit', limit })),
);

// ---- A small printer: a command back to the text a person would type in Slack. ----

/** How a printed line varies while meaning the same. */
interface PrintStyle {
  /** `--flag=value` instead of `--flag value`. */
  inline: boolean;
  /** Command word, mode, keywords and MAC in capitals. */
  shout: boolean;
  /** Where each flag goes among the positionals (index into them, clamped). */
  flagPlaces: number[];
  /** Typographic quotes instead of ASCII ones. */
  smartQuotes: boolean;
  /** libvirt's mode names (route, bridge) instead of ours. */
  aliases: boolean;
}

const printStyle: fc.Arbitrary<PrintStyle> = fc.record({
  inline: fc.boolean(),
  shout: fc.boolean(),
  flagPlaces: fc.array(fc.nat(8), { maxLength: 12 }),
  smartQuotes: fc.boolean(),
  aliases: fc.boolean(),
});

const MODE_ALIASES: Readonly<Record<string, string>> = { routed: 'route', bridged: 'bridge' };

function quoteWord(word: string, style: PrintStyle): string {
  if (/^[A-Za-z0-9_.:/,@+%=][A-Za-z0-9_.:/,@+%=-]*$/.test(word)) return word;
  if (style.smartQuotes && !/[“”\\]/.test(word)) return `“${word}”`;
  return `"${word.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

function printCommand(command: Command, style: PrintStyle): string {
  const shout = (word: string): string => (style.shout ? word.toUpperCase() : word);
  const positionals: string[] = [];
  const flags: string[][] = [];
  const flag = (name: string, value?: string | number | boolean): void => {
    if (value === undefined || value === false) return;
    if (value === true) flags.push([`--${name}`]);
    else if (style.inline) flags.push([`--${name}=${quoteWord(String(value), style)}`]);
    else flags.push([`--${name}`, quoteWord(String(value), style)]);
  };
  const range = (value: { start: string; end: string }): string => `${value.start}-${value.end}`;
  switch (command.kind) {
    case 'help':
      if (command.topic !== undefined) positionals.push(command.topic);
      break;
    case 'list':
      flag('all', command.all);
      break;
    case 'info':
      positionals.push(command.name);
      flag('xml', command.xml);
      break;
    case 'create-dialog':
      return shout('create');
    case 'create':
      positionals.push(shout((style.aliases ? MODE_ALIASES[command.mode] : undefined) ?? command.mode), command.name);
      flag('subnet', command.subnet);
      flag('gateway', command.gateway);
      if (command.dhcp === false) flag('no-dhcp', true);
      else if (command.dhcp !== undefined) flag('dhcp', range(command.dhcp));
      flag('bridge', command.bridge);
      flag('dev', command.dev);
      flag('ipv6', command.ipv6 === undefined || !style.shout ? command.ipv6 : command.ipv6.toUpperCase());
      flag('mtu', command.mtu);
      flag('autostart', command.autostart);
      break;
    case 'delete':
      positionals.push(command.name);
      flag('force', command.force);
      break;
    case 'start':
    case 'stop':
    case 'leases':
      positionals.push(command.name);
      break;
    case 'autostart':
      positionals.push(command.name, shout(command.enabled ? 'on' : 'off'));
      break;
    case 'bridges':
      if (command.name !== undefined) positionals.push(command.name);
      break;
    case 'update': {
      positionals.push(command.name);
      const change = command.change;
      if (change.kind === 'dhcp-range') positionals.push(shout('dhcp-range'), range(change.range));
      else if (change.kind === 'dhcp-host-add')
        positionals.push(
          shout('dhcp-host'),
          shout('add'),
          shout(change.host.mac),
          change.host.ip,
          ...(change.host.name === undefined ? [] : [change.host.name]),
        );
      else positionals.push(shout('dhcp-host'), shout('remove'), shout(change.mac));
      break;
    }
    case 'hosts':
      break;
    case 'status':
      positionals.push(command.jobId);
      break;
    case 'audit':
      positionals.push(String(command.limit));
      break;
  }
  if ('host' in command) flag('host', command.host);
  if ('reason' in command) flag('reason', command.reason);

  const words = positionals.map((word) => [quoteWord(word, style)]);
  flags.forEach((tokens, index) => {
    const place = Math.min(style.flagPlaces[index] ?? words.length, words.length);
    words.splice(place, 0, tokens);
  });
  const line = [shout(command.kind), ...words.flat()].join(' ');
  // Slack escapes these three in the text it sends.
  return line.replace(/[&<>]/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[character] ?? character);
}

// ---- Text that looks a bit like a command, to reach deep into the parser. ----

const commandish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...COMMAND_NAMES,
        'dhcp-host',
        'dhcp-range',
        'add',
        'remove',
        'nat',
        'bridge',
        'on',
        'lab1',
        '10.0.5.0/24',
        '10.0.5.9-10.0.5.1',
        '52:54:00:12:34:56',
      ),
      fc.constantFrom(
        '--host',
        '--subnet',
        '--dhcp',
        '--no-dhcp',
        '--reason',
        '--mtu=9000',
        '--force',
        '--xml',
        '--all',
        '--help',
        '-h',
        '—host',
        '-x',
        '--',
        '-',
        '=',
      ),
      fc.constantFrom('"', "'", '“', '”', '‘', '’', '\\', '&amp;', '&lt;', '\u0000', '\u200b', '\n', '\ud800'),
      fc.string({ unit: 'binary', maxLength: 12 }),
    ),
    { maxLength: 14 },
  )
  .chain((parts) => fc.constantFrom(' ', '', '\t').map((gap) => parts.join(gap)));

function expectWellFormed(text: string): void {
  const result = parseCommand(text);
  if (result.ok) {
    expect(typeof result.command.kind).toBe('string');
    return;
  }
  expect(result.error.message.trim()).not.toBe('');
  if (result.error.command !== undefined) expect(result.error.usage).toBe(usageOf(result.error.command));
}

describe('parseCommand (properties)', () => {
  it('never throws on any text, and every refusal carries a message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          commandish,
        ),
        (text) => {
          expectWellFormed(text);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never throws on long text, and refuses text beyond the cap', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 3990, maxLength: 4100 }), (text) => {
        expectWellFormed(text);
        if (text.length > 4000)
          expect(parseCommand(text)).toMatchObject({
            ok: false,
            error: { message: expect.stringMatching(/at most 4000/) as string },
          });
      }),
      { numRuns: 50 },
    );
    expectWellFormed('create nat lab1 --reason '.padEnd(1_000_000, 'x'));
  });

  it('parses a printed command back to the same command', () => {
    fc.assert(
      fc.property(validCommand, printStyle, (command, style) => {
        const text = printCommand(command, style);
        if (process.env.SHOW_PRINTED) console.log(text);
        expect(parseCommand(text), text).toStrictEqual({ ok: true, command });
      }),
      { numRuns: 3000 },
    );
  });
});
