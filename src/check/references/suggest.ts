// "did you mean …?": the closest existing name, and whether a missing name is a near miss of
// one (a typo) — the evidence that lets a reference into a blind spot still be judged.
import { distance } from 'fastest-levenshtein';

/** The existing name closest to `name`, when it is close enough to be worth suggesting. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === name) continue;
    const d = typos(name, c);
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Whether `b` is `a` with two neighbouring characters swapped (one typo, two Levenshtein edits). */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Typos between two names: Levenshtein edits, a swap of neighbours counting as one. */
export function typos(a: string, b: string): number {
  return swapped(a, b) ? 1 : distance(a, b);
}

/**
 * The candidate `name` is a typo of: one typo away for names up to six characters (`bazarr`
 * and `radarr` are two apps, not a typo), two for longer ones, and not a sibling that differs
 * only in digits (`db-1` next to `db-2` is another object).
 */
export function nearMiss(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 6 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === name || c.replace(/\d+/g, '#') === name.replace(/\d+/g, '#')) continue;
    const d = typos(name, c);
    if (d <= limit && d < bestDistance) { best = c; bestDistance = d; }
  }
  return best;
}
