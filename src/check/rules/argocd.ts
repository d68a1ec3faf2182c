// Argo CD rules. Argo CD syncs the children of an app-of-apps wave by wave (argocd.argoproj.io/
// sync-wave), each wave once the previous one is healthy; Applications of one wave sync in
// parallel. A custom resource whose CRD another Application installs in the same or a later wave
// is applied before the CRD exists: the sync fails its dry-run and retries until someone notices.
// Worded like flux/dependency-missing, which says the same of Flux's dependsOn.
import { usedBy, type Fact } from '../../k8s/facts.js';
import type { AppliedResource, FluxKustomization } from '../../repo/flux/index.js';
import { syncWaveOf } from '../../repo/argocd/identity.js';
import { SYNC_WAVE_ANNOTATION } from '../../repo/argocd/model.js';
import type { CheckContext } from '../context.js';
import type { Rule, RuleFinding } from '../rule.js';
import { bootstrapFacts, bootstrapProvides } from './bootstrap.js';

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const HARD = /^(crd|namespace):/;

export const applicationRef = (u: { namespace: string; name: string }) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: u.namespace, name: u.name });

const describeFact = (fact: Fact) => {
  const i = fact.indexOf(':');
  return fact.slice(0, i) === 'crd' ? `the CRD of ${fact.slice(i + 1)}` : `${fact.slice(0, i)} ${fact.slice(i + 1)}`;
};

/** The chain from the tree's root down to `key`. */
function chainOf(byKey: Map<string, FluxKustomization>, key: string): FluxKustomization[] {
  const out: FluxKustomization[] = [];
  for (let k: string | undefined = key; k && out.length < 1000;) {
    const u = byKey.get(k);
    if (!u) break;
    out.unshift(u);
    k = u.parent;
  }
  return out;
}

interface Side {
  /** The sync wave that orders this side at the common level. */
  wave: number;
  /** What syncs in that wave: the Application on the way, or the object itself. */
  what: string;
}

/**
 * Where the consumer and provider part: at their lowest common ancestor L, each side is either the
 * child Application of L on its way (ordered by that Application's sync wave), or — when it is L
 * itself — the object in L (ordered by the object's own sync-wave annotation). Undefined when they
 * share no ancestor (two roots: nothing orders them).
 */
function sides(byKey: Map<string, FluxKustomization>, consumer: FluxKustomization, cr: AppliedResource, provider: FluxKustomization, crd: AppliedResource | undefined): { level?: FluxKustomization; consumer: Side; provider: Side } | undefined {
  const a = chainOf(byKey, consumer.key);
  const b = chainOf(byKey, provider.key);
  let i = 0;
  while (i < a.length && i < b.length && a[i].key === b[i].key) i++;
  const side = (chain: FluxKustomization[], object: AppliedResource | undefined): Side =>
    chain[i]
      ? { wave: chain[i].application?.syncWave ?? 0, what: `Application ${chain[i].key}` }
      : { wave: object ? syncWaveOf(object.object) : 0, what: object ? `${object.id.kind} ${object.id.name}` : 'it' };
  if (i === 0) return undefined;
  return { level: a[i - 1], consumer: side(a, cr), provider: side(b, crd) };
}

function syncWaveOrder(ctx: CheckContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const boot = bootstrapFacts(ctx.root, ctx.repo, ctx.charts);
  for (const cluster of ctx.repo.clusters) {
    if (cluster.delivery !== 'argocd') continue;
    const byKey = new Map(cluster.kustomizations.map((u) => [u.key, u]));
    // what each Application installs: its objects, its charts' CRDs (rendered, or chart knowledge),
    // and the destination namespace it creates with CreateNamespace=true
    const providers = new Map<Fact, Array<{ unit: FluxKustomization; object?: AppliedResource }>>();
    const add = (f: Fact, unit: FluxKustomization, object?: AppliedResource) => (providers.get(f) ?? providers.set(f, []).get(f)!).push({ unit, object });
    for (const u of cluster.kustomizations) {
      for (const r of u.resources) for (const f of providesOf(r)) add(f, u, r);
      const dest = u.application?.destination.namespace;
      if (dest && u.application?.syncOptions.some((o) => o.replace(/\s/g, '') === 'CreateNamespace=true')) add(`namespace:${dest}`, u);
    }
    for (const hr of cluster.helmReleases) {
      const u = byKey.get(hr.appliedBy);
      if (!u || hr.render?.status === 'rendered') continue; // rendered CRDs are objects of the unit already
      for (const crd of ctx.charts.of(hr).crds) add(`crd:${crd}`, u);
    }
    const ambient = new Set([...SYSTEM_NAMESPACES, ...cluster.kustomizations.filter((k) => !k.parent).map((k) => k.namespace)].map((n) => `namespace:${n}`));
    // one finding per (dependent, provider), at the first object that needs it
    const reported = new Map<string, { u: FluxKustomization; p: FluxKustomization; r: AppliedResource; order: string; advice: string; facts: Set<Fact> }>();
    for (const u of cluster.kustomizations) {
      for (const r of u.resources) {
        for (const fact of usedBy(r.object as never)) {
          if (!HARD.test(fact) || ambient.has(fact) || bootstrapProvides(boot, fact)) continue;
          const all = providers.get(fact) ?? [];
          // the Application itself installs it: Argo CD applies CRDs and Namespaces of one sync first
          if (all.length === 0 || all.some((p) => p.unit.key === u.key)) continue;
          const judged = all.map((p) => ({ p, s: sides(byKey, u, r, p.unit, p.object) }));
          if (judged.some(({ s }) => s && s.provider.wave < s.consumer.wave)) continue;
          const { p, s } = judged.sort((x, y) => x.p.unit.key.localeCompare(y.p.unit.key))[0];
          const key = `${u.key}|${p.unit.key}`;
          const earlier = reported.get(key);
          if (earlier) { earlier.facts.add(fact); continue; }
          const level = s?.level ? `children of ${s.level.key}` : 'roots, which nothing orders';
          const order = !s
            ? 'they are separate roots that nothing orders'
            : `${s.provider.what} syncs in wave ${s.provider.wave}, ${s.provider.wave === s.consumer.wave ? 'the same wave as' : 'after'} ${s.consumer.what} (wave ${s.consumer.wave}; ${level})`;
          const advice = s
            ? `give ${s.provider.what} a lower ${SYNC_WAVE_ANNOTATION} than ${s.consumer.wave} (or ${s.consumer.what} one above ${s.provider.wave})`
            : `make both children of one app-of-apps with ${p.unit.key} in an earlier sync wave`;
          reported.set(key, { u, p: p.unit, r, order, advice, facts: new Set([fact]) });
        }
      }
    }
    for (const { u, p, r, order, advice, facts } of reported.values()) {
      const at = ctx.locator.locate(r.origin, '/apiVersion');
      out.push({
        message: `Application ${u.key} applies ${r.id.kind} ${r.id.namespace ? `${r.id.namespace}/` : ''}${r.id.name}, which uses ${[...facts].sort().map(describeFact).join(', ')}, provided by Application ${p.key}, which does not sync before it: ${order}. The apply fails until ${facts.size > 1 ? 'they exist' : 'it exists'} and the sync is retried; ${advice}`,
        file: r.origin?.file, line: at.line, column: at.column, cluster: cluster.name, resource: r.id,
        fix: { type: 'manual', description: advice },
      });
    }
  }
  return out;
}

/** What an object makes exist that another object's apply needs: CRDs and Namespaces. */
function providesOf(r: AppliedResource): Fact[] {
  const o = r.object as { kind?: unknown; spec?: { group?: unknown; names?: { kind?: unknown } }; metadata?: { name?: unknown } };
  if (o.kind === 'CustomResourceDefinition' && typeof o.spec?.group === 'string' && typeof o.spec.names?.kind === 'string') return [`crd:${o.spec.group}/${o.spec.names.kind}`];
  if (o.kind === 'Namespace' && typeof o.metadata?.name === 'string') return [`namespace:${o.metadata.name}`];
  return [];
}

/** Loader problems of some codes, at the field they concern. */
function problems(ctx: CheckContext, codes: string[], pointer: (message: string) => string): RuleFinding[] {
  const out: RuleFinding[] = [];
  const seen = new Set<string>();
  for (const c of ctx.repo.clusters) {
    if (c.delivery !== 'argocd') continue;
    for (const p of c.problems) {
      if (!codes.includes(p.code)) continue;
      const key = `${p.file}:${p.line}:${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const unit = c.kustomizations.find((k) => k.key === p.kustomization);
      const at = p.file && p.line ? ctx.locator.locate({ file: p.file, line: p.line }, pointer(p.message)) : {};
      out.push({ message: p.message, file: p.file, line: at.line ?? p.line, ...(at.column !== undefined ? { column: at.column } : {}), cluster: c.name, ...(unit ? { resource: applicationRef(unit) } : {}) });
    }
  }
  // ApplicationSets outside any tree
  for (const p of ctx.repo.problems) {
    if (!codes.includes(p.code)) continue;
    out.push({ message: p.message, file: p.file, line: p.line });
  }
  return out;
}

export const syncWaveOrderRule: Rule = {
  id: 'argocd/sync-wave-order',
  severity: 'error',
  doc: {
    summary: 'a custom resource (or namespaced object) whose CRD (or Namespace) is installed by an Argo CD Application of the same or a later sync wave',
    why: 'Argo CD syncs the Applications of an app-of-apps in sync-wave order, those of one wave in parallel. An object applied before its CRD or Namespace exists fails the sync; Argo CD retries, and the tree only converges by luck of timing, or not at all.',
    fix: 'give the Application that installs the CRD a lower argocd.argoproj.io/sync-wave than the one that uses it (or move the CRs into an Application of a later wave).',
  },
  run: syncWaveOrder,
};

export const applicationSourceMissing: Rule = {
  id: 'argocd/source-missing',
  severity: 'error',
  doc: {
    summary: 'an Argo CD Application with neither spec.source nor spec.sources, or a git path (or values file) that is not in the repository',
    why: 'Argo CD fails to generate the manifests: the Application stays Unknown/ComparisonError and nothing of it is applied.',
    fix: 'fix spec.source.path (relative to the repository root) or add the folder; give the Application a source.',
  },
  run: (ctx) => problems(ctx, ['application-source-missing', 'application-path-missing'], (m) => (/neither spec\.source/.test(m) ? '/spec' : /of source (\/spec\/\S+)/.exec(m)?.[1] ? `${/of source (\/spec\/\S+)/.exec(m)![1]}/path` : '/spec')),
};

export const applicationSetNotExpanded: Rule = {
  id: 'argocd/applicationset',
  severity: 'info',
  doc: {
    summary: 'an Argo CD ApplicationSet: the Applications it generates are not expanded offline',
    why: 'generators (git, cluster, pull request, SCM …) need the live cluster or remote APIs; what they would generate is not built or checked.',
    fix: 'nothing to fix; write the Applications out if they must be checked offline.',
  },
  run: (ctx) => problems(ctx, ['applicationset'], () => '/spec/generators'),
};

