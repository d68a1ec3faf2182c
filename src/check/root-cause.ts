// One root cause, one finding. A rule marks findings that share a cause (the same :latest
// image in thirty Jobs, one API version left in every HelmRelease, one patch that forgets
// install remediation) with a `rootCause`; after severities and exemptions are applied, such a
// group becomes one finding at its first place that says how many places share it and where.
// Exempting one of them still works: exemptions run first, on the individual findings.
import { sortFindings, type Finding } from './finding.js';

/** From this many findings of one cause on, they are reported as one. */
export const GROUP_AT = 3;
const SHOWN = 5;

/** A finding as rules emit it: `rootCause` is dropped once grouping is done. */
export type GroupableFinding = Finding & { rootCause?: RootCause };

export interface RootCause {
  /** What findings with the same key share; scoped to the rule. */
  key: string;
  /** The group's message, without the list of places. */
  message: string;
}

const placeOf = (f: Finding) => {
  const what = f.resource ? `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}` : '';
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '';
  return what && where ? `${what} (${where})` : what || where;
};

export function groupByRootCause(findings: readonly GroupableFinding[]): Finding[] {
  const groups = new Map<string, GroupableFinding[]>();
  for (const f of findings) {
    if (!f.rootCause) continue;
    const key = `${f.rule}|${f.severity}|${f.rootCause.key}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(f);
  }
  const merged = new Map<GroupableFinding, Finding | null>();
  for (const members of groups.values()) {
    if (members.length < GROUP_AT) continue;
    const sorted = sortFindings(members) as GroupableFinding[];
    const [first, ...rest] = sorted;
    const places = rest.slice(0, SHOWN).map(placeOf).join(', ') + (rest.length > SHOWN ? ` and ${rest.length - SHOWN} more` : '');
    merged.set(first, { ...strip(first), message: `${first.rootCause!.message} — ${members.length} places share this cause; this one and ${places}` });
    for (const f of rest) merged.set(f, null);
  }
  const out: Finding[] = [];
  for (const f of findings) {
    const m = merged.get(f);
    if (m === null) continue;
    out.push(m ?? strip(f));
  }
  return out;
}

function strip(f: GroupableFinding): Finding {
  if (!f.rootCause) return f;
  const { rootCause: _cause, ...rest } = f;
  return rest;
}
