// .slipway.yaml at the repository root: rule severities, auditable exemptions (every
// exemption carries a reason and is listed in the output, used or not), chart knowledge
// the built-in base lacks, and offline values for variables that only exist in a cluster.
import { lstatSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { readYamlFile } from '../repo/yaml/index.js';
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
}

export class ConfigFileError extends Error {}

export const CONFIG_FILE = '.slipway.yaml';
const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);
const MATCH_KEYS = ['cluster', 'namespace', 'kind', 'name', 'path'] as const;

export function emptyConfig(): SlipwayConfig {
  return { rules: {}, exemptions: [], charts: [], chartSettings: { mirrors: [], auth: [], knowledge: [] }, substitutions: {} };
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
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
    throw new ConfigFileError(`${CONFIG_FILE}:${doc?.line ?? 1}: ${where}: ${what}`);
  };
  if (typeof value !== 'object' || Array.isArray(value)) fail('(top level)', 'must be a mapping');
  const config = emptyConfig();
  config.file = CONFIG_FILE;
  for (const key of Object.keys(value)) {
    if (!['kubeVersion', 'rules', 'exemptions', 'charts', 'substitutions', 'sources', 'assume'].includes(key)) {
      fail(key, 'unknown setting; known: kubeVersion, rules, exemptions, charts, substitutions, sources, assume');
    }
  }
  if (value.kubeVersion !== undefined) config.kubeVersion = String(value.kubeVersion);
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
    config.chartSettings = parseChartsSettings(value.charts, () => `${CONFIG_FILE}:${doc?.line ?? 1}`);
  } catch (e) {
    if (e instanceof ChartsConfigError) throw new ConfigFileError(e.message);
    throw e;
  }
  config.charts = config.chartSettings.knowledge.map((c) => ({ name: c.name, url: c.url, crds: [...c.crds] }));
  const subs = (value.substitutions ?? {}) as Record<string, Record<string, unknown>>;
  for (const [cluster, vars] of Object.entries(subs)) {
    config.substitutions[cluster] = Object.fromEntries(Object.entries(vars ?? {}).map(([k, v]) => [k, String(v)]));
  }
  return config;
}

/** Applies severities and exemptions; returns what remains and how each exemption was used. */
export function applyConfig(findings: Finding[], config: SlipwayConfig): { findings: Finding[]; used: number[] } {
  const used = config.exemptions.map(() => 0);
  const matchers = config.exemptions.map((e) => ({ e, path: e.path ? picomatch(e.path, { dot: true }) : undefined, name: e.name ? picomatch(e.name) : undefined }));
  const kept: Finding[] = [];
  for (const f of findings) {
    const override = config.rules[f.rule];
    if (override === 'off') continue;
    const finding = override ? { ...f, severity: override } : f;
    const hit = matchers.findIndex(({ e, path: p, name }) =>
      e.rule === f.rule &&
      (!e.cluster || e.cluster === f.cluster) &&
      (!e.namespace || e.namespace === f.resource?.namespace) &&
      (!e.kind || e.kind === f.resource?.kind) &&
      (!name || (f.resource?.name !== undefined && name(f.resource.name))) &&
      (!p || (f.file !== undefined && p(f.file))));
    if (hit >= 0) used[hit]++;
    else kept.push(finding);
  }
  return { findings: kept, used };
}
