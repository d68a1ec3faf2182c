// Reference rules: what a Flux object points at must exist — its source, its path,
// the values it reads, and every ${VAR} its manifests use.
import type { FluxKustomization, FluxProblem } from '../../repo/flux/index.js';
import type { Rule, RuleFinding } from '../rule.js';
import type { CheckContext } from '../context.js';
import { bootstrapFacts, bootstrapProvides, type BootstrapFacts } from './bootstrap.js';
import { yamlErrors } from './yaml.js';
import { readFileSync } from 'node:fs';
import { resolveInsideRoot } from '../../repo/yaml/index.js';

/** The line of a kustomization file that lists an entry the build message quotes ('./missing.yaml'), else 1. */
function entryLine(ctx: CheckContext, file: string, message: string): number {
  let lines: string[];
  try {
    lines = readFileSync(resolveInsideRoot(ctx.root, file), 'utf8').split('\n');
  } catch {
    return 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*-\s+["']?([^"'#\s]+)["']?\s*(#.*)?$/.exec(lines[i]);
    if (!m) continue;
    const entry = m[1].replace(/^\.\//, '');
    if (message.includes(`'${m[1]}'`) || message.includes(`'./${entry}'`) || message.includes(`'${entry}'`) || message.includes(`/${entry}:`)) return i + 1;
  }
  return 1;
}

/** substituteFrom objects missing from the repository but created by its bootstrap before Flux runs. */
function bootstrapSubstituteFrom(ctx: CheckContext, boot: BootstrapFacts, ks: FluxKustomization): Array<{ fact: string; keys: string[] }> {
  const postBuild = ((ks.object.spec as Record<string, any> | undefined)?.postBuild ?? {}) as Record<string, any>;
  const out: Array<{ fact: string; keys: string[] }> = [];
  for (const ref of (Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : []) as any[]) {
    if (!ref?.name) continue;
    const fact = `${ref.kind === 'Secret' ? 'secret' : 'configmap'}:${ks.namespace}/${ref.name}`;
    if (bootstrapProvides(boot, fact)) out.push({ fact, keys: boot.keys.get(fact) ?? [] });
  }
  void ctx;
  return out;
}

/** The fields a loader problem of each code is about, narrowest first: the finding points at the first one the document has. */
const PROBLEM_FIELDS: Partial<Record<FluxProblem['code'], string[]>> = {
  'source-missing': ['/spec/chartRef/name', '/spec/chart/spec/sourceRef/name', '/spec/sourceRef/name'],
  'path-missing': ['/spec/path'],
  'substitution-source-missing': ['/spec/postBuild/substituteFrom'],
};

/** The line of the field a problem is about, in the document at its file:line; the document's line when it has none. */
function problemLine(ctx: CheckContext, p: FluxProblem): { line?: number; column?: number } {
  const fields = PROBLEM_FIELDS[p.code];
  if (!fields || !p.file || p.line === undefined) return { line: p.line };
  const origin = { file: p.file, line: p.line };
  const doc = ctx.locator.sourceObject(origin) as Record<string, any> | undefined;
  for (const field of fields) {
    let pointer = field;
    if (p.code === 'substitution-source-missing') {
      // the entry the message names: "names Secret ns/name,"
      const named = /names (?:Secret|ConfigMap) [^/\s]+\/([^,\s]+),/.exec(p.message)?.[1];
      const list = doc?.spec?.postBuild?.substituteFrom;
      const i = Array.isArray(list) ? list.findIndex((e: any) => e?.name === named) : -1;
      if (i >= 0) pointer = `${field}/${i}/name`;
    }
    const at = ctx.locator.locateExact(origin, pointer);
    if (at) return at;
  }
  return { line: p.line };
}

/** The line at or after `from` (within its document) that contains `needle`. */
function lineContaining(ctx: CheckContext, file: string | undefined, from: number | undefined, needle: string): number | undefined {
  if (!file || from === undefined) return from;
  let lines: string[];
  try {
    lines = readFileSync(resolveInsideRoot(ctx.root, file), 'utf8').split('\n');
  } catch {
    return from;
  }
  for (let i = from - 1; i < lines.length; i++) {
    if (i >= from && lines[i].startsWith('---')) break;
    if (lines[i].includes(needle)) return i + 1;
  }
  return from;
}

/** Loader problems of some codes, one finding each (deduplicated across clusters). */
function fromProblems(ctx: CheckContext, codes: FluxProblem['code'][], skip: (p: FluxProblem) => boolean = () => false): RuleFinding[] {
  const out: RuleFinding[] = [];
  const seen = new Set<string>();
  const boot = bootstrapFacts(ctx.root, ctx.repo, ctx.charts);
  for (const c of ctx.repo.clusters) {
    const byKey = new Map(c.kustomizations.map((k) => [k.key, k]));
    const problems = [...c.problems, ...c.kustomizations.flatMap((k) => k.problems), ...c.helmReleases.flatMap((h) => h.problems)];
    for (const p of problems) {
      if (!codes.includes(p.code) || skip(p)) continue;
      if (p.code === 'substitution-source-missing' && p.kustomization) {
        // the named object is created by the bootstrap (e.g. a Secret applied before Flux)
        const ks = byKey.get(p.kustomization);
        const named = /names (Secret|ConfigMap) ([^/\s]+)\/([^,\s]+),/.exec(p.message);
        if (ks && named && bootstrapSubstituteFrom(ctx, boot, ks).some((b) => b.fact === `${named[1] === 'Secret' ? 'secret' : 'configmap'}:${named[2]}/${named[3]}`)) continue;
      }
      const key = `${p.file}:${p.line}:${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // what a build needs but an offline check cannot have (a remote base, a Helm chart) is
      // not verified: a warning, visible without failing the check; a Kustomization whose whole
      // source is another repository is that repository's to check (info)
      const severity = !p.offline ? undefined : p.code === 'source-remote' ? ('info' as const) : ('warning' as const);
      const message = p.offline && p.code !== 'source-remote' ? `not verified: ${p.message}` : p.message;
      const at = problemLine(ctx, p);
      out.push({ message, file: p.file, line: at.line, ...(at.column !== undefined ? { column: at.column } : {}), cluster: c.name, ...(severity ? { severity } : {}) });
    }
  }
  return out;
}

export const sourceMissing: Rule = {
  id: 'flux/source-missing',
  severity: 'error',
  doc: {
    summary: 'sourceRef / chartRef / valuesFrom to an object that does not exist',
    why: 'Flux cannot fetch what the object points at; it stays not-Ready and nothing downstream reconciles.',
    fix: 'create the source in the cluster (usually next to the HelmRelease) or fix the name and namespace.',
  },
  run(ctx) {
    // a missing valuesFrom object is reported below, at its entry, with what to do
    const out = fromProblems(ctx, ['source-missing', 'substitution-source-missing'], (p) => / takes values from /.test(p.message));
    for (const c of ctx.repo.clusters) {
      for (const hr of c.helmReleases) {
        for (const v of hr.valuesFrom) {
          if (v.found || v.optional) continue;
          const list = (hr.object.spec as Record<string, any> | undefined)?.valuesFrom;
          const index = Array.isArray(list) ? list.findIndex((e: any) => e?.name === v.name && (e?.kind ?? 'ConfigMap') === v.kind) : -1;
          const at = ctx.locator.locate(hr.origin, index >= 0 ? `/spec/valuesFrom/${index}/name` : '/spec/valuesFrom');
          out.push({
            message: `HelmRelease ${hr.key} reads values from ${v.kind} ${hr.namespace}/${v.name}, which nothing in cluster ${c.name} creates; add it, or mark it optional: true`,
            file: hr.origin?.file, line: at.line, column: at.column, cluster: c.name,
            resource: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: hr.namespace, name: hr.name },
          });
        }
      }
    }
    return out;
  },
};

export const pathMissing: Rule = {
  id: 'flux/path-missing',
  severity: 'error',
  doc: {
    summary: 'a Kustomization\'s spec.path is not in the repository',
    why: 'kustomize-controller fails the build: nothing under that Kustomization is applied.',
    fix: 'fix spec.path (it is relative to the source root, e.g. ./kubernetes/apps/…) or add the folder.',
  },
  run: (ctx) => fromProblems(ctx, ['path-missing']),
};

export const substitutionUnresolved: Rule = {
  id: 'flux/substitution-unresolved',
  severity: 'error',
  doc: {
    summary: '${VAR} with no value and no default after postBuild substitution',
    why: 'Flux replaces an unknown variable with an empty string (or fails in strict mode): a field silently becomes empty.',
    fix: 'add the variable to postBuild.substitute / substituteFrom, give it a default (${VAR:=value}), or escape it as $${VAR} if it is meant for the application.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    const boot = bootstrapFacts(ctx.root, ctx.repo, ctx.charts);
    for (const c of ctx.repo.clusters) {
      for (const ks of c.kustomizations) {
        // variables from Secrets/ConfigMaps the bootstrap creates exist in the cluster
        const fromBootstrap = new Set(bootstrapSubstituteFrom(ctx, boot, ks).flatMap((b) => b.keys));
        for (const u of ks.substitution?.unresolved ?? []) {
          if (fromBootstrap.has(u.variable)) continue;
          const key = `${u.file}:${u.line}:${u.variable}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({
            message: `\${${u.variable}} in ${u.resource.kind} ${u.resource.namespace ? `${u.resource.namespace}/` : ''}${u.resource.name} has no value in Kustomization ${ks.key} and no default; Flux will substitute an empty string`,
            file: u.file, line: lineContaining(ctx, u.file, u.line, `\${${u.variable}`), cluster: c.name, resource: u.resource,
          });
        }
      }
      for (const p of [...c.problems, ...c.kustomizations.flatMap((k) => k.problems)]) {
        if (p.code === 'substitution-error') out.push({ message: p.message, file: p.file, line: p.line, cluster: c.name });
      }
    }
    return out;
  },
};

export const kustomizeBuild: Rule = {
  id: 'kustomize/build',
  severity: 'error',
  doc: {
    summary: 'a kustomization that cannot be built (missing file, bad patch, conflict …)',
    why: 'kustomize-controller runs the same build; when it fails, nothing in that Kustomization is applied.',
    fix: 'run `slipway build <dir>` to see the error, then fix the file it names. Remote bases and Helm charts cannot be built offline: they are warnings (not verified); a Kustomization whose source is another repository is an info.',
  },
  run(ctx) {
    // a file that is not valid YAML breaks every build that reads it: yaml/parse or
    // yaml/duplicate-key already names the cause, at its line
    const broken = new Set(yamlErrors(ctx).map((e) => e.file).filter((f): f is string => !!f));
    const mentions = (text: string) => [...broken].some((f) => text.includes(`/${f} `) || text.includes(`/${f}:`) || text.includes(`/${f})`) || text.endsWith(`/${f}`));
    return fromProblems(ctx, ['build-failed', 'build-offline', 'source-remote'], (p) => !p.offline && !!p.cause && broken.has(p.cause))
      .filter((f) => !(f.severity === undefined && ((f.file && broken.has(f.file)) || mentions(f.message))))
      .map((f) => (f.file && f.line === undefined ? { ...f, line: entryLine(ctx, f.file, f.message) } : f));
  },
};
