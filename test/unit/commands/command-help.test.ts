import { describe, expect, it } from 'vitest';
import {
  COMMAND_GRAMMAR,
  COMMAND_NAMES,
  type CommandName,
  type CommandSpec,
  type PositionalSlot,
  helpText,
  parseCommand,
  usageOf,
} from '../../../src/commands/index.js';

const specs: readonly CommandSpec[] = COMMAND_NAMES.map((name) => COMMAND_GRAMMAR[name]);

/** The kinds a command name may parse to (`create` alone is the dialog, `help` answers `--help`). */
function kindsOf(name: CommandName): string[] {
  return name === 'create' ? ['create', 'create-dialog'] : [name];
}

/** The line of one form with its required values filled in from each value kind's example. */
function minimalLine(spec: CommandSpec, form: readonly PositionalSlot[]): string {
  const words = form
    .filter((slot) => slot.kind === 'word' || !slot.optional)
    .map((slot) => (slot.kind === 'word' ? slot.word : slot.value.example));
  return [spec.name, ...words].join(' ');
}

/** The line of one form with every value, optional or not, filled in. */
function fullLine(spec: CommandSpec, form: readonly PositionalSlot[]): string {
  return [spec.name, ...form.map((slot) => (slot.kind === 'word' ? slot.word : slot.value.example))].join(' ');
}

/** A usage line once per alternative of its `(a | b | c)` part. */
function alternativesOf(usage: string): string[] {
  const group = /\(([^)]*)\)/.exec(usage);
  if (group === null) return [usage];
  return (group[1] ?? '').split(' | ').map((alternative) => usage.replace(group[0], alternative));
}

describe('the grammar table', () => {
  it('has an entry under each command name, named after its key', () => {
    expect(Object.keys(COMMAND_GRAMMAR).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const name of COMMAND_NAMES) expect(COMMAND_GRAMMAR[name].name).toBe(name);
  });

  it.each(specs.map((spec) => [spec.name, spec] as const))(
    '%s: 1-3 examples, a summary and descriptions for everything',
    (_name, spec) => {
      expect(spec.examples.length).toBeGreaterThanOrEqual(1);
      expect(spec.examples.length).toBeLessThanOrEqual(3);
      expect(spec.summary.trim()).not.toBe('');
      for (const slot of spec.forms.flat()) expect(slot.description.trim()).not.toBe('');
      for (const entry of spec.flags) for (const flag of [entry].flat()) expect(flag.description.trim()).not.toBe('');
    },
  );

  it.each(specs.map((spec) => [spec.name, spec] as const))(
    '%s: forms share slots until a keyword tells them apart',
    (_name, spec) => {
      const longest = Math.max(...spec.forms.map((form) => form.length));
      for (let index = 0; index < longest; index += 1) {
        // Forms still alike before `index` must agree on what `index` is: one shared value slot, or keywords.
        const groups = new Map<string, PositionalSlot[]>();
        for (const form of spec.forms) {
          if (form.length <= index) continue;
          const key = form
            .slice(0, index)
            .map((slot) => (slot.kind === 'word' ? slot.word : slot.placeholder))
            .join(' ');
          groups.set(key, [...(groups.get(key) ?? []), form[index] as PositionalSlot]);
        }
        for (const slots of groups.values()) {
          const values = slots.filter((slot) => slot.kind === 'value');
          expect(values.length === 0 || (values.length === slots.length && new Set(slots).size === 1)).toBe(true);
        }
      }
      for (const form of spec.forms) {
        const firstOptional = form.findIndex((slot) => slot.kind === 'value' && slot.optional);
        if (firstOptional >= 0)
          expect(form.slice(firstOptional).every((slot) => slot.kind === 'value' && slot.optional)).toBe(true);
      }
    },
  );

  it.each(
    specs.flatMap((spec) =>
      spec.forms.map((form) => [minimalLine(spec, form), fullLine(spec, form), spec.name] as const),
    ),
  )('the form %j (and %j) parses to its command', (minimal, full, name) => {
    for (const line of [minimal, full]) {
      const result = parseCommand(line);
      expect(result.ok, `${line}: ${result.ok ? '' : result.error.message}`).toBe(true);
      if (result.ok) expect(kindsOf(name)).toContain(result.command.kind);
    }
  });

  it.each(specs.flatMap((spec) => spec.flags.flat().map((flag) => [spec.name, flag.name, flag, spec] as const)))(
    '%s --%s: the example value is accepted',
    (_name, _flagName, flag, spec) => {
      const line = `${minimalLine(spec, spec.forms[0] ?? [])} ${flag.kind === 'value' ? `--${flag.name} ${flag.value.example}` : `--${flag.name}`}`;
      const result = parseCommand(line);
      expect(result.ok, `${line}: ${result.ok ? '' : result.error.message}`).toBe(true);
    },
  );

  it.each(specs.flatMap((spec) => spec.examples.map((example) => [example, spec.name] as const)))(
    'the example %j parses to %s',
    (example, name) => {
      const result = parseCommand(example);
      expect(result.ok, `${example}: ${result.ok ? '' : result.error.message}`).toBe(true);
      if (result.ok) expect(kindsOf(name)).toContain(result.command.kind);
    },
  );
});

describe('usageOf', () => {
  it.each<[CommandName, string]>([
    ['help', '/vnet help [COMMAND]'],
    ['list', '/vnet list [--host H] [--all]'],
    ['info', '/vnet info NAME [--host H] [--xml]'],
    [
      'create',
      '/vnet create MODE NAME [--subnet CIDR] [--gateway IP] [--dhcp START-END | --no-dhcp] [--bridge BR] [--dev IFACE] [--ipv6 CIDR] [--mtu N] [--autostart] [--host H] [--reason TEXT]',
    ],
    ['delete', '/vnet delete NAME [--force] [--host H] [--reason TEXT]'],
    ['start', '/vnet start NAME [--host H] [--reason TEXT]'],
    ['stop', '/vnet stop NAME [--host H] [--reason TEXT]'],
    ['autostart', '/vnet autostart NAME on|off [--host H] [--reason TEXT]'],
    ['leases', '/vnet leases NAME [--host H]'],
    ['bridges', '/vnet bridges [NAME] [--host H]'],
    [
      'update',
      '/vnet update NAME (dhcp-range START-END | dhcp-host add MAC IP [HOSTNAME] | dhcp-host remove MAC) [--host H] [--reason TEXT]',
    ],
    ['hosts', '/vnet hosts'],
    ['status', '/vnet status JOB'],
    ['audit', '/vnet audit [N]'],
  ])('%s → %s', (name, usage) => {
    expect(usageOf(name)).toBe(usage);
  });
});

describe('helpText', () => {
  it('gives an overview with every command’s usage line and summary', () => {
    const overview = helpText();
    for (const spec of specs) {
      expect(overview).toContain(`\`${usageOf(spec.name)}\` — ${spec.summary}`);
    }
    expect(overview).toMatch(/\/vnet help COMMAND/);
  });

  it.each(COMMAND_NAMES.map((name) => [name]))(
    'has help for %s: usage, every argument and flag, and examples',
    (name) => {
      const spec = COMMAND_GRAMMAR[name];
      const text = helpText(name);
      expect(text).toContain(`*/vnet ${name}* — ${spec.summary}`);
      expect(text).toContain(`\`${usageOf(name)}\``);
      for (const slot of spec.forms.flat())
        expect(text).toContain(`\`${slot.kind === 'word' ? slot.word : slot.placeholder}\` — ${slot.description}`);
      for (const flag of spec.flags.flat()) expect(text).toContain(`— ${flag.description}`);
      for (const example of spec.examples) expect(text).toContain(`\`/vnet ${example}\``);
    },
  );

  it('lists the modes with their aliases in the help of create', () => {
    const text = helpText('create');
    expect(text).toMatch(/\*Modes\*/);
    for (const mode of ['`nat`', '`routed` (or `route`)', '`isolated`', '`open`', '`bridged` (or `bridge`)'])
      expect(text).toContain(mode);
    expect(text).toContain('Give at most one of `--dhcp` and `--no-dhcp`.');
    expect(text).toMatch(/`\/vnet create` with nothing after it opens a dialog/);
  });

  it.each(specs.flatMap((spec) => alternativesOf(usageOf(spec.name)).map((usage) => [usage, spec] as const)))(
    'the usage line %j parses back once its placeholders are filled in',
    (usage, spec) => {
      const examples = new Map(
        spec.forms
          .flat()
          .flatMap((slot) => (slot.kind === 'value' ? [[slot.placeholder, slot.value.example] as const] : [])),
      );
      const line = usage
        .replace(/^\/vnet /, '')
        .replace(/ \[--[^\]]*\]/g, '') // optional flags left out
        .replace(/\[([^\]]*)\]/g, '$1') // optional positionals given
        .split(' ')
        .map((word) => examples.get(word) ?? word)
        .join(' ');
      const result = parseCommand(line);
      expect(result.ok, `${line}: ${result.ok ? '' : result.error.message}`).toBe(true);
      if (result.ok) expect(kindsOf(spec.name)).toContain(result.command.kind);
    },
  );

  it('answers `help COMMAND` for each command, so every topic the overview points to exists', () => {
    for (const name of COMMAND_NAMES)
      expect(parseCommand(`help ${name}`)).toStrictEqual({ ok: true, command: { kind: 'help', topic: name } });
  });
});
