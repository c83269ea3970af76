/**
 * Splits the text after `/vnet` into words the way a shell would, minus every kind of expansion:
 * whitespace separates, quotes group, a backslash takes the next character literally. Slack clients
 * turn typed quotes into typographic ones, so “…” and ‘…’ group too.
 */

/** One word of the command line. */
export interface CommandToken {
  /** The word with quotes and escapes removed. */
  readonly text: string;
  /**
   * True when the word starts with an unquoted, unescaped dash, so it may be read as a flag.
   * Quoting a dash (`--reason '-- late'`) makes it an ordinary value.
   */
  readonly bareDash: boolean;
}

/** The words of a line, or why the line cannot be split. */
export type TokenizeResult =
  { readonly ok: true; readonly tokens: readonly CommandToken[] } | { readonly ok: false; readonly message: string };

/** Opening quote → its closing quote. Right-hand typographic quotes open nothing: they are apostrophes. */
const CLOSING_QUOTE: Readonly<Record<string, string>> = {
  "'": "'",
  '"': '"',
  '\u2018': '\u2019',
  '\u201c': '\u201d',
};

/** Single quotes take everything literally; inside double quotes a backslash still escapes. */
const LITERAL_QUOTES = new Set(["'", '\u2018']);

const WHITESPACE = /^\s$/u;

/** Splits `text` into words. Never throws. */
export function tokenizeCommandLine(text: string): TokenizeResult {
  const tokens: CommandToken[] = [];
  const characters = [...text];
  // The word being built: `undefined` between words, so that '' (an empty quoted word) still counts.
  let word: string[] | undefined;
  let bareDash = false;
  let index = 0;
  while (index < characters.length) {
    const character = characters[index] as string;
    index += 1;
    if (WHITESPACE.test(character)) {
      if (word !== undefined) tokens.push({ text: word.join(''), bareDash });
      word = undefined;
      continue;
    }
    if (word === undefined) {
      word = [];
      bareDash = character === '-' || character === '\u2013' || character === '\u2014';
    }
    if (character === '\\') {
      // A backslash at the very end has nothing to escape: keep it as typed.
      word.push(index < characters.length ? (characters[index] as string) : '\\');
      index += 1;
      continue;
    }
    const closing = CLOSING_QUOTE[character];
    if (closing === undefined) {
      word.push(character);
      continue;
    }
    const literal = LITERAL_QUOTES.has(character);
    let closed = false;
    while (index < characters.length) {
      const inner = characters[index] as string;
      index += 1;
      if (inner === closing) {
        closed = true;
        break;
      }
      if (!literal && inner === '\\' && index < characters.length) {
        word.push(characters[index] as string);
        index += 1;
        continue;
      }
      word.push(inner);
    }
    if (!closed) {
      return {
        ok: false,
        message: `the quote ${character} is never closed: end the quoted text with ${closing}, or put a backslash before the quote to mean the character itself (\\${character})`,
      };
    }
  }
  if (word !== undefined) tokens.push({ text: word.join(''), bareDash });
  return { ok: true, tokens };
}
