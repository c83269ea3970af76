/**
 * How typed text appears inside usage-error messages: in double quotes, control and invisible
 * characters escaped, long text cut, so the person sees exactly what the parser saw.
 */

/** Text longer than this many characters is cut in messages. */
const SHOWN_CHARACTERS = 40;

/** The text in double quotes, with invisible characters spelled out and long text cut with "…". */
export function showText(text: string): string {
  const characters = [...text];
  const cut = characters.length > SHOWN_CHARACTERS ? `${characters.slice(0, SHOWN_CHARACTERS).join('')}…` : text;
  // JSON escaping covers C0 controls, quotes, backslashes and broken surrogate pairs; the rest of what
  // a person cannot see (C1 controls, zero-width and bidi marks, line separators) is escaped here.
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu,
    (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
