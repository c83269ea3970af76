/**
 * The name in `candidates` that `name` was most likely meant to be: the same letters ignoring case,
 * `_` and `-` (so `host_id` finds `hostId`), else the nearest within two typos. `undefined` if none is close.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const normalize = (text: string): string => text.toLowerCase().replace(/[-_]/g, '');
  const target = normalize(name);
  const sameLetters = candidates.find((candidate) => normalize(candidate) === target);
  if (sameLetters !== undefined) return sameLetters;
  let best: { readonly name: string; readonly distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(normalize(candidate), target);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance: single-character insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
