// .slipway.yaml at the repository root: rule severities, auditable exemptions (every
// exemption carries a reason and is listed in the output, used or not), chart knowledge
// the built-in base lacks, and offline values for variables that only exist in a cluster.
import { lstatSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { parseKubeVersion } from '../k8s/version.js';
import { isMap as isYamlMap, isScalar, isSeq, type Node } from 'yaml';
import { positionOf, readYamlFile, type YamlDocument } from '../repo/yaml/index.js';
import type { Finding, Severity } from './finding.js';
import { ChartsConfigError, parseChartsSettings, type ChartsSettings } from '../charts/index.js';

export type SeverityOverride = Severity | 'off';

export interface Exemption {
  rule: string;
  reason: string;
  cluster?: string;
  namespace?: string;
  kind?: string;
  name?: string;
  /** Glob over the finding's file, relative to the repository root. */
  path?: string;
}

export interface DeclaredChart {
  name: string;
  url?: string;
  crds: string[];
}

export interface SlipwayConfig {
  file?: string;
  kubeVersion?: string;
  rules: Record<string, SeverityOverride>;
  exemptions: Exemption[];
  charts: DeclaredChart[];
  /** `charts:` — mirrors and credentials for fetching, knowledge for charts that cannot be fetched. */
  chartSettings: ChartsSettings;
  substitutions: Record<string, Record<string, string>>;
  /**
   * `profile:` — `default` asks only for what Flux's own defaults do not cover (and what other
   * units rely on); `strict` asks every Kustomization for prune, wait or health checks, timeout
   * and retryInterval.
   */
  profile: CheckProfile;
  /** `tenancy:` — the teams whose namespaces are isolated: their Flux objects must impersonate and stay inside. */
  tenants: TenantDeclaration[];
}

export interface TenantDeclaration {
  name: string;
  namespaces: string[];
}

export type CheckProfile = 'default' | 'strict';
export const PROFILES: readonly CheckProfile[] = ['default', 'strict'];

export class ConfigFileError extends Error {}

export const CONFIG_FILE = '.slipway.yaml';
const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);
const MATCH_KEYS = ['cluster', 'namespace', 'kind', 'name', 'path'] as const;

export function emptyConfig(): SlipwayConfig {
  return { rules: {}, exemptions: [], charts: [], chartSettings: { mirrors: [], auth: [], knowledge: [] }, substitutions: {}, profile: 'default', tenants: [] };
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * `line:column` of the setting `where` names (`profile`, `rules.x`, `exemptions[0].reason`,
 * `charts.mirrors[1].from`): its key, or its list item; when the setting itself is missing, the
 * nearest enclosing one (a missing `reason` points at its exemption), else the document's start.
 */
function settingPosition(doc: YamlDocument | undefined, where: string): string {
  if (!doc) return '1:1';
  let node: unknown = doc.doc.contents;
  let at = (node as Node | null)?.range?.[0] ?? 0;
  let rest = where;
  while (rest) {
    if (isSeq(node)) {
      const m = /^\[(\d+)\]\.?/.exec(rest);
      const item = m ? node.items[Number(m[1])] : undefined;
      if (!m || !item) break;
      node = item;
      at = (item as Node).range?.[0] ?? at;
      rest = rest.slice(m[0].length);
    } else if (isYamlMap(node)) {
      // a key may hold dots (a rule id typed wrong): the longest key the path starts with
      let best: { key: Node; value: unknown; text: string } | undefined;
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const text = String(pair.key.value);
        if ((rest === text || rest.startsWith(`${text}.`) || rest.startsWith(`${text}[`)) && text.length > (best?.text.length ?? 0)) best = { key: pair.key, value: pair.value, text };
      }
      if (!best) break;
      at = best.key.range?.[0] ?? at;
      node = best.value;
      rest = rest.slice(best.text.length).replace(/^\./, '');
    } else break;
  }
  const p = positionOf(doc.lineCounter, at);
  return `${p.line}:${p.column}`;
}

/** Reads .slipway.yaml if present. Mistakes are exit-2 errors with file:line: a typo must not silently disable a rule. */
export function loadCheckConfig(root: string, knownRules: ReadonlySet<string>): SlipwayConfig {
  // lstat, not exists: a .slipway.yaml that is a link out of the root is read (and refused) below
  if (!lexists(path.join(root, CONFIG_FILE))) return emptyConfig();
  const read = readYamlFile(root, CONFIG_FILE);
  if (read.errors.length) {
    const e = read.errors[0];
    throw new ConfigFileError(`${CONFIG_FILE}:${e.line}:${e.column}: ${e.message}`);
  }
  const doc = read.documents[0];
  const value = (doc?.value ?? {}) as Record<string, unknown>;
  const fail = (where: string, what: string): never => {
    throw new ConfigFileError(`${CONFIG_FILE}:${settingPosition(doc, where)}: ${where}: ${what}`);
  };
  if (typeof value !== 'object' || Array.isArray(value)) fail('(top level)', 'must be a mapping');
  const config = emptyConfig();
  config.file = CONFIG_FILE;
  for (const key of Object.keys(value)) {
    if (!['kubeVersion', 'profile', 'rules', 'exemptions', 'charts', 'substitutions', 'sources', 'assume', 'tenancy'].includes(key)) {
      fail(key, 'unknown setting; known: kubeVersion, profile, rules, exemptions, charts, substitutions, sources, assume, tenancy');
    }
  }
  if (value.kubeVersion !== undefined) {
    const parsed = parseKubeVersion(String(value.kubeVersion));
    config.kubeVersion = 'error' in parsed ? fail('kubeVersion', parsed.error) : parsed.version;
  }
  if (value.profile !== undefined) {
    if (!PROFILES.includes(value.profile as CheckProfile)) fail('profile', `must be one of ${PROFILES.join(', ')} (got ${JSON.stringify(value.profile)})`);
    config.profile = value.profile as CheckProfile;
  }
  const rules = (value.rules ?? {}) as Record<string, unknown>;
  for (const [rule, sev] of Object.entries(rules)) {
    if (!knownRules.has(rule)) fail(`rules.${rule}`, `unknown rule id; see \`slipway check --list-rules\``);
    if (!SEVERITIES.has(String(sev))) fail(`rules.${rule}`, 'must be one of error, warning, info, off');
    config.rules[rule] = String(sev) as SeverityOverride;
  }
  const exemptions = (value.exemptions ?? []) as unknown[];
  if (!Array.isArray(exemptions)) fail('exemptions', 'must be a list');
  exemptions.forEach((raw, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const where = `exemptions[${i}]`;
    if (typeof e.rule !== 'string' || !knownRules.has(e.rule)) fail(`${where}.rule`, 'must name a known rule id');
    if (typeof e.reason !== 'string' || !e.reason.trim()) fail(`${where}.reason`, 'is mandatory: say why this exemption is acceptable');
    const exemption: Exemption = { rule: e.rule as string, reason: (e.reason as string).trim() };
    for (const key of MATCH_KEYS) if (e[key] !== undefined) exemption[key] = String(e[key]);
    config.exemptions.push(exemption);
  });
  try {
    config.chartSettings = parseChartsSettings(value.charts, (where) => `${CONFIG_FILE}:${settingPosition(doc, where)}`);
  } catch (e) {
    if (e instanceof ChartsConfigError) throw new ConfigFileError(e.message);
    throw e;
  }
  config.charts = config.chartSettings.knowledge.map((c) => ({ name: c.name, url: c.url, crds: [...c.crds] }));
  if (value.tenancy !== undefined) {
    const tenancy = value.tenancy as Record<string, unknown>;
    if (typeof tenancy !== 'object' || tenancy === null || !Array.isArray(tenancy.tenants)) fail('tenancy', 'must be a mapping with a list `tenants:` of {name, namespaces}');
    (tenancy.tenants as unknown[]).forEach((raw, i) => {
      const t = (raw ?? {}) as Record<string, unknown>;
      const where = `tenancy.tenants[${i}]`;
      if (typeof t.name !== 'string' || !t.name) fail(`${where}.name`, 'is required: the team\'s name');
      const namespaces = t.namespaces ?? [t.name];
      if (!Array.isArray(namespaces) || !namespaces.length || namespaces.some((n) => typeof n !== 'string')) fail(`${where}.namespaces`, 'must be a list of the team\'s namespaces');
      config.tenants.push({ name: t.name as string, namespaces: (namespaces as string[]).map(String) });
    });
  }
  const subs = (value.substitutions ?? {}) as Record<string, Record<string, unknown>>;
  for (const [cluster, vars] of Object.entries(subs)) {
    config.substitutions[cluster] = Object.fromEntries(Object.entries(vars ?? {}).map(([k, v]) => [k, String(v)]));
  }
  return config;
}

/** Applies severities and exemptions; returns what remains and how each exemption was used. */
export function applyConfig(findings: Finding[], config: SlipwayConfig): { findings: Finding[]; used: number[] } {
  const used = config.exemptions.map(() => 0);
  const matchers = config.exemptions.map(exemptionMatcher);
  const kept: Finding[] = [];
  for (const f of findings) {
    const override = config.rules[f.rule];
    if (override === 'off') continue;
    const finding = override ? { ...f, severity: override } : f;
    const hit = matchers.findIndex((matches) => matches(f));
    if (hit >= 0) used[hit]++;
    else kept.push(finding);
  }
  return { findings: kept, used };
}

type Exemptible = Pick<Finding, 'rule' | 'cluster' | 'file' | 'resource'>;

function exemptionMatcher(e: Exemption): (f: Exemptible) => boolean {
  const p = e.path ? picomatch(e.path, { dot: true }) : undefined;
  const name = e.name ? picomatch(e.name) : undefined;
  return (f) =>
    e.rule === f.rule &&
    (!e.cluster || e.cluster === f.cluster) &&
    (!e.namespace || e.namespace === f.resource?.namespace) &&
    (!e.kind || e.kind === f.resource?.kind) &&
    (!name || (f.resource?.name !== undefined && name(f.resource.name))) &&
    (!p || (f.file !== undefined && p(f.file)));
}

/** Whether an exemption for `rule` would take a finding about `f` (for rules that group findings: an exempted item keeps its own). */
export function exempted(config: SlipwayConfig, f: Omit<Exemptible, 'rule'>, rule: string): boolean {
  return config.exemptions.some((e) => e.rule === rule && exemptionMatcher(e)({ ...f, rule }));
}
