/**
 * "Did you mean …?" for typos of commands, flags, modes and keywords: the closest known word by edit
 * distance, only when it is close enough to be a plausible slip of the fingers.
 */
import { closest, distance } from 'fastest-levenshtein';

/**
 * The candidate `word` most likely stands for, or undefined when none is close. A word that is the
 * start of exactly one candidate counts as close (`--gate` → `gateway`); otherwise the edit distance
 * may be 1 for words of up to 2 characters, 2 up to 5 and 3 beyond (two swapped letters cost 2).
 */
export function nearestWord(word: string, candidates: readonly string[]): string | undefined {
  if (word === '' || candidates.length === 0) return undefined;
  const lower = word.toLowerCase();
  const prefixed = candidates.filter((candidate) => candidate.startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  const best = closest(lower, [...candidates]);
  const allowed = lower.length <= 2 ? 1 : lower.length <= 5 ? 2 : 3;
  return distance(lower, best) <= allowed ? best : undefined;
}
