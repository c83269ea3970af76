import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenizeCommandLine } from '../../../src/commands/command-tokenizer.js';

/** The words of a line, or the tokenizer's message when it refuses the line. */
function words(text: string): string[] | string {
  const result = tokenizeCommandLine(text);
  return result.ok ? result.tokens.map((token) => token.text) : result.message;
}

/** One word in double quotes: only `"` and `\` need a backslash there. */
function doubleQuoted(word: string): string {
  return `"${word.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

/** One word in single quotes, POSIX style: a quote inside is closed, escaped and reopened. */
function singleQuoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

describe('tokenizeCommandLine', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['create nat lab1', ['create', 'nat', 'lab1']],
    ['  create \t nat\n lab1  ', ['create', 'nat', 'lab1']],
    ['create\u00a0nat', ['create', 'nat']], // a no-break space separates like any space
    ['--reason "two words"', ['--reason', 'two words']],
    ["--reason 'two words'", ['--reason', 'two words']],
    ['a"b c"d', ['ab cd']],
    ["''", ['']],
    ['"" x', ['', 'x']],
    ['it\\ is', ['it is']],
    ['\\"quoted\\"', ['"quoted"']],
    ['"say \\"hi\\""', ['say "hi"']],
    ["'no \\escapes'", ['no \\escapes']],
    ['"$HOME `id` *"', ['$HOME `id` *']],
    ['$HOME ~ *.txt', ['$HOME', '~', '*.txt']],
    ['trailing\\', ['trailing\\']],
  ])('splits %j into %j', (text, expected) => {
    expect(words(text)).toEqual(expected);
  });

  it('groups Slack’s typographic quotes, and reads a lone right quote as an apostrophe', () => {
    expect(words('--reason “two words”')).toEqual(['--reason', 'two words']);
    expect(words('--reason ‘two words’')).toEqual(['--reason', 'two words']);
    expect(words('--reason “it’s done”')).toEqual(['--reason', 'it’s done']);
    expect(words('it’s done')).toEqual(['it’s', 'done']);
    expect(words('“a \\” b”')).toEqual(['a ” b']);
  });

  it('marks words that start with an unquoted dash, so quoting a dash makes it a value', () => {
    const result = tokenizeCommandLine(`--force '--not-a-flag' \\-x -5 —host "-"`);
    expect(result.ok && result.tokens).toEqual([
      { text: '--force', bareDash: true },
      { text: '--not-a-flag', bareDash: false },
      { text: '-x', bareDash: false },
      { text: '-5', bareDash: true },
      { text: '—host', bareDash: true },
      { text: '-', bareDash: false },
    ]);
  });

  it.each([
    ['info "lab1', /quote " is never closed/],
    ["info 'lab1", /quote ' is never closed/],
    ['info “lab1', /quote “ is never closed: end the quoted text with ”/],
    ['info ‘lab1', /quote ‘ is never closed/],
    ['info "lab1\\"', /never closed/],
  ])('refuses an unterminated quote in %j', (text, message) => {
    expect(words(text)).toMatch(message);
  });

  it('gives back any list of words quoted in double quotes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 8 }), (list) => {
        expect(words(list.map(doubleQuoted).join(' '))).toEqual(list);
      }),
      { numRuns: 500 },
    );
  });

  it('gives back any list of words quoted in single quotes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 8 }), (list) => {
        expect(words(list.map(singleQuoted).join(' '))).toEqual(list);
      }),
      { numRuns: 500 },
    );
  });

  it('gives back words that need no quotes as they are, whatever whitespace separates them', () => {
    const bareWord = fc.stringMatching(/^[A-Za-z0-9_.:/=,@+%-]{1,12}$/);
    const gap = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u3000');
    fc.assert(
      fc.property(fc.array(fc.tuple(bareWord, gap), { maxLength: 8 }), (pairs) => {
        const text = pairs.map(([word, space]) => `${word}${space}`).join('');
        expect(words(text)).toEqual(pairs.map(([word]) => word));
      }),
      { numRuns: 300 },
    );
  });
});
