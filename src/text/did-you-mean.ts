/**
 * "Did you mean …?": the known word a mistyped one most likely stands for, used for commands, flags
 * and keywords typed in Slack and for setting names in the config. Pure; imports nothing of ours.
 */
import { closest, distance } from 'fastest-levenshtein';

/** Lowercase with `_` and `-` dropped, so `host_id`, `host-id` and `hostId` read the same. */
function letters(text: string): string {
  return text.toLowerCase().replace(/[-_]/g, '');
}

/**
 * The candidate `word` most likely stands for, or undefined when none is close. Words are compared by
 * their letters alone, ignoring case, `_` and `-` (`host_id` finds `hostId`, `--nodhcp` finds
 * `no-dhcp`). The nearest candidate by edit distance counts when the distance is at most 1 for words
 * of up to 2 letters, 2 up to 5 and 3 beyond (two swapped letters cost 2); ties go to the earlier
 * candidate. Failing that, a word that is the start of exactly one candidate stands for it
 * (`--gate` → `gateway`).
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const typed = letters(word);
  if (typed === '' || candidates.length === 0) return undefined;
  const known = candidates.map(letters);
  const best = closest(typed, known);
  const allowed = typed.length <= 2 ? 1 : typed.length <= 5 ? 2 : 3;
  if (distance(typed, best) <= allowed) return candidates[known.indexOf(best)];
  const prefixed = candidates.filter((_, index) => known[index]?.startsWith(typed));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
