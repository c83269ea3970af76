/**
 * How user-supplied values and characters appear inside problem messages: quoted, escaped, cut short,
 * and with invisible or look-alike characters spelled out by code point, so a person sees what is wrong.
 */

/** Values longer than this many characters are cut in messages. */
const SHOWN_CHARACTERS = 40;

/** The value in double quotes, with control characters escaped and long values cut with "…". */
export function showValue(text: string): string {
  const characters = [...text];
  const shown = characters.length > SHOWN_CHARACTERS ? `${characters.slice(0, SHOWN_CHARACTERS).join('')}…` : text;
  // JSON escaping makes C0 controls, quotes, backslashes and broken surrogates visible; the rest of
  // what a person cannot see (C1 controls, zero-width and bidi characters, line separators) is escaped here.
  return JSON.stringify(shown).replace(
    /[\u007f-\u009f\p{Cf}\u2028\u2029\uFFFE\uFFFF]/gu,
    (character) => `\\u${hex4(character)}`,
  );
}

/** `U+0430` for a character. */
export function codePointOf(character: string): string {
  return `U+${hex4(character).toUpperCase()}`;
}

function hex4(character: string): string {
  return (character.codePointAt(0) ?? 0).toString(16).padStart(4, '0');
}

/**
 * One character as a person can recognise it: `"<"`, `" " (a space)`, `U+0009 (a tab)`,
 * `"а" (U+0430, not an ASCII character)`, `U+200B (an invisible character)`.
 */
export function describeCharacter(character: string): string {
  const codePoint = codePointOf(character);
  if (character === ' ') return '" " (a space)';
  if (character === '\t') return `${codePoint} (a tab)`;
  if (character === '\n' || character === '\r') return `${codePoint} (a line break)`;
  if (/\p{Cc}/u.test(character)) return `${codePoint} (a control character)`;
  if (/\p{Cs}/u.test(character)) return `${codePoint} (half of a broken character pair)`;
  if (character === '\uFFFE' || character === '\uFFFF') return `${codePoint} (not a character)`;
  if (/[\p{White_Space}]/u.test(character)) return `${codePoint} (a space character)`;
  if (/[\p{Cf}\p{Mn}\p{Me}\p{Co}\p{Cn}]/u.test(character)) return `${codePoint} (an invisible character)`;
  if (character.length === 1 && character < '\u0080') return JSON.stringify(character);
  return `"${character}" (${codePoint}, not an ASCII character)`;
}

/** The first character (code point) of `text` that `allowed` does not match, if any. */
export function firstCharacterNotMatching(text: string, allowed: RegExp): string | undefined {
  for (const character of text) {
    if (!allowed.test(character)) return character;
  }
  return undefined;
}

/** Length in characters as a person counts them (code points, so an emoji is one). */
export function characterCount(text: string): number {
  return [...text].length;
}
