// "did you mean …?": the closest existing name, and whether a missing name is a near miss of
// one (a typo) — the evidence that lets a reference into a blind spot still be judged.
import { distance } from 'fastest-levenshtein';

/** The existing name closest to `name`, when it is close enough to be worth suggesting. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === name) continue;
    const d = distance(name, c);
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * The candidate `name` is a typo of: one or two edits away (one for short names), and not a
 * sibling that differs only in digits (`db-1` next to `db-2` is another object, not a typo).
 */
export function nearMiss(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === name || c.replace(/\d+/g, '#') === name.replace(/\d+/g, '#')) continue;
    const d = distance(name, c);
    if (d <= limit && d < bestDistance) { best = c; bestDistance = d; }
  }
  return best;
}
