// Ordering rules: Flux applies Kustomizations in parallel unless dependsOn says otherwise,
// so a custom resource whose CRD comes from another Kustomization, a workload whose
// namespace or secret another one creates, must name that Kustomization upstream — and the
// upstream one must wait for what it installs, or dependsOn only orders the apply.
import { usedBy, type Fact } from '../../k8s/facts.js';
import type { AppliedResource, FluxCluster, FluxKustomization, KsKey } from '../../repo/flux/index.js';
import type { KustomizationName } from '../finding.js';
import { OrderGraph, type DependsOnEdit } from '../ordering/graph.js';
import { closestName } from '../references/suggest.js';
import type { CheckContext } from '../context.js';
import { kustomizationRef, type Rule, type RuleFinding } from '../rule.js';
import { bootstrapFacts, bootstrapProvides } from './bootstrap.js';

/** Facts that order an apply; services and the like are runtime concerns, not ordering. */
const ORDERED = /^(crd|namespace|source|secret|configmap|clusterissuer|issuer|clustersecretstore|secretstore|storageclass|volumesnapshotclass|gatewayclass):/;

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Facts whose absence breaks the apply: the API server rejects an object of an unknown kind or in
 * a namespace that does not exist, and the whole Kustomization fails its dry-run. Everything else
 * (a Secret an ExternalSecret makes, a secret store, an issuer, a storage class, a Gateway, a
 * Helm source, a ConfigMap of values) is looked up later by a controller that retries: a missing
 * dependsOn delays the rollout by a retry interval instead of breaking it.
 */
const HARD = /^(crd|namespace):/;

interface Provision {
  ks: FluxKustomization;
  /** The HelmRelease whose chart installs it, when the fact comes from a chart. */
  viaHelmRelease?: { namespace: string; name: string };
}

function provisions(cluster: FluxCluster, ctx: CheckContext): { byFact: Map<Fact, Provision[]>; unknownCharts: Map<KsKey, string[]> } {
  const byFact = new Map<Fact, Provision[]>();
  const add = (fact: Fact, p: Provision) => (byFact.get(fact) ?? byFact.set(fact, []).get(fact)!).push(p);
  for (const ks of cluster.kustomizations) for (const f of ks.provides) add(f, { ks });
  const byKey = new Map(cluster.kustomizations.map((k) => [k.key, k]));
  const unknownCharts = new Map<KsKey, string[]>();
  for (const hr of cluster.helmReleases) {
    const ks = byKey.get(hr.appliedBy);
    if (!ks) continue;
    // a HelmRelease whose chart source is missing is reported by flux/source-missing; its chart is unknowable
    if (!hr.chart.source) continue;
    const answer = ctx.charts.of(hr);
    if (!answer.known) (unknownCharts.get(ks.key) ?? unknownCharts.set(ks.key, []).get(ks.key)!).push(answer.chart);
    for (const crd of answer.crds) add(`crd:${crd}`, { ks, viaHelmRelease: { namespace: hr.namespace, name: hr.name } });
  }
  return { byFact, unknownCharts };
}

function waitsFor(ks: FluxKustomization, hr: { namespace: string; name: string }): boolean {
  if (ks.wait === true) return true;
  return ks.healthChecks.some((h) => h.kind === 'HelmRelease' && h.name === hr.name && (h.namespace ?? ks.namespace) === hr.namespace);
}

const describeFact = (fact: Fact) => {
  const i = fact.indexOf(':');
  const kind = fact.slice(0, i);
  const what = fact.slice(i + 1);
  return kind === 'crd' ? `the CRD of ${what}` : `${kind} ${what}`;
};

const nameOf = (key: KsKey): KustomizationName => ({ namespace: key.slice(0, key.indexOf('/')), name: key.slice(key.indexOf('/') + 1) });
const refTo = (from: FluxKustomization, to: KsKey) => {
  const n = nameOf(to);
  return `{ name: ${n.name}${n.namespace !== from.namespace ? `, namespace: ${n.namespace}` : ''} }`;
};
const listFacts = (facts: Iterable<Fact>) => {
  const all = [...facts].sort().map(describeFact);
  return all.length <= 4 ? all.join(', ') : `${all.slice(0, 4).join(', ')} and ${all.length - 4} more`;
};

/** Where a finding about a Kustomization's ordering goes: its dependsOn, else its spec. */
function orderingPlace(ctx: CheckContext, ks: FluxKustomization, cluster: FluxCluster, pointer?: string): Pick<RuleFinding, 'file' | 'line' | 'column' | 'cluster' | 'resource'> {
  const spec = (ks.object.spec ?? {}) as Record<string, unknown>;
  const at = ctx.locator.locate(ks.origin, pointer ?? (spec.dependsOn !== undefined ? '/spec/dependsOn' : '/spec'));
  return { file: ks.origin?.file, line: at.line, column: at.column, cluster: cluster.name, resource: kustomizationRef(ks) };
}

interface Need {
  dependent: FluxKustomization;
  provider: Provision;
  facts: Set<Fact>;
  hard: boolean;
  /** The first resource that needs it, for deadlocks placed at the resource. */
  resource: AppliedResource;
}

/**
 * The dependsOn edges on a path from `from` to `to` (through dependsOn and parent edges), first
 * to last: removing one of them breaks that path.
 */
function pathEdges(cluster: FluxCluster, from: KsKey, to: KsKey): Array<{ owner: FluxKustomization; target: KsKey; index: number }> {
  const byKey = new Map(cluster.kustomizations.map((k) => [k.key, k]));
  const prev = new Map<KsKey, { via: KsKey; dependsOn: boolean }>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length) {
    const k = queue.shift()!;
    if (k === to) break;
    const ks = byKey.get(k);
    const next: Array<[KsKey, boolean]> = [...(ks?.dependsOn ?? []).map((d) => [d, true] as [KsKey, boolean]), ...(ks?.parent ? [[ks.parent, false] as [KsKey, boolean]] : [])];
    for (const [n, dep] of next) {
      if (seen.has(n)) continue;
      seen.add(n);
      prev.set(n, { via: k, dependsOn: dep });
      queue.push(n);
    }
  }
  if (!prev.has(to)) return [];
  const edges: Array<{ owner: FluxKustomization; target: KsKey; index: number }> = [];
  for (let k = to; k !== from;) {
    const p = prev.get(k)!;
    const owner = byKey.get(p.via);
    if (p.dependsOn && owner) edges.unshift({ owner, target: k, index: owner.dependsOn.indexOf(k) });
    k = p.via;
  }
  return edges;
}

/** Whether `owner` needs nothing `target` provides (its charts' CRDs included): that dependsOn orders nothing real. */
function needsNothingFrom(owner: FluxKustomization, provided: Set<Fact> | undefined): boolean {
  return !provided || !owner.uses.some((f) => ORDERED.test(f) && provided.has(f));
}

interface OrderingAnalysis {
  missing: RuleFinding[];
  deadlocks: RuleFinding[];
}

const analyses = new WeakMap<CheckContext, OrderingAnalysis>();

/** Both ordering rules from one walk: what is merely missing, and what can never converge. */
function analyse(ctx: CheckContext): OrderingAnalysis {
  const cached = analyses.get(ctx);
  if (cached) return cached;
  const result: OrderingAnalysis = { missing: [], deadlocks: [] };
  const boot = bootstrapFacts(ctx.root, ctx.repo, ctx.charts);
  for (const cluster of ctx.repo.clusters) {
    // Argo CD orders by sync waves, not dependsOn: argocd/sync-wave-order judges those trees
    if (cluster.delivery === 'argocd') continue;
    const { byFact, unknownCharts } = provisions(cluster, ctx);
    const graph = new OrderGraph(cluster.kustomizations);
    const baseline = graph.problem();
    const accepts = (edits: DependsOnEdit[]) => {
      const after = graph.with(edits).problem();
      return after === undefined || after === baseline;
    };
    // namespaces that exist before any Kustomization: Kubernetes' own, and where Flux itself runs
    const ambient = new Set([...SYSTEM_NAMESPACES, ...cluster.kustomizations.filter((k) => !k.parent).map((k) => k.namespace)].map((n) => `namespace:${n}`));
    const needs = new Map<string, Need>();
    const unknown = new Map<KsKey, { ks: FluxKustomization; facts: Set<Fact>; resource: AppliedResource }>();
    for (const ks of cluster.kustomizations) {
      if (ks.status !== 'built') continue;
      const up = graph.upstream(ks.key);
      const needed = new Set(ks.uses.filter((f) => ORDERED.test(f)));
      if (needed.size === 0) continue;
      for (const r of ks.resources) {
        for (const fact of usedBy(r.object as never)) {
          if (!needed.has(fact) || ambient.has(fact)) continue;
          // installed by the repository's bootstrap (Helmfile, kubectl hook, Talos) before Flux runs
          if (bootstrapProvides(boot, fact)) continue;
          const providers = (byFact.get(fact) ?? []).filter((p) => p.ks.key !== ks.key).sort((a, b) => a.ks.key.localeCompare(b.ks.key));
          if (providers.length === 0) {
            if (fact.startsWith('crd:') && unknownCharts.size > 0) {
              const u = unknown.get(ks.key) ?? unknown.set(ks.key, { ks, facts: new Set(), resource: r }).get(ks.key)!;
              u.facts.add(fact);
            }
            continue;
          }
          const satisfied = providers.some((p) => (p.viaHelmRelease ? up.ready.has(p.ks.key) && waitsFor(p.ks, p.viaHelmRelease) : up.ready.has(p.ks.key) || up.ancestors.has(p.ks.key)));
          if (satisfied) continue;
          const provider = providers[0];
          const key = `${ks.key}|${provider.ks.key}`;
          const need = needs.get(key) ?? needs.set(key, { dependent: ks, provider, facts: new Set(), hard: false, resource: r }).get(key)!;
          need.facts.add(fact);
          if (HARD.test(fact) && !need.hard) { need.hard = true; need.resource = r; }
        }
      }
    }
    for (const u of unknown.values()) {
      const charts = [...new Set([...unknownCharts.values()].flat())].sort();
      result.missing.push({
        severity: 'info',
        message: `Kustomization ${u.ks.key} uses ${listFacts(u.facts)}, and no Kustomization is known to install ${u.facts.size > 1 ? 'them' : 'it'}; ${u.facts.size > 1 ? 'they' : 'it'} may come from a chart slipway does not know (${charts.slice(0, 5).join(', ')}${charts.length > 5 ? ', …' : ''}) — declare it under charts: in .slipway.yaml to have the ordering checked`,
        ...orderingPlace(ctx, u.ks, cluster),
      });
    }
    const providedBy = new Map<KsKey, Set<Fact>>();
    for (const [fact, list] of byFact) for (const p of list) (providedBy.get(p.ks.key) ?? providedBy.set(p.ks.key, new Set()).get(p.ks.key)!).add(fact);
    for (const need of needs.values()) judgeNeed(ctx, cluster, graph, accepts, providedBy, need, result);
    result.deadlocks.push(...healthCheckDeadlocks(ctx, cluster, graph));
  }
  analyses.set(ctx, result);
  return result;
}

function judgeNeed(ctx: CheckContext, cluster: FluxCluster, graph: OrderGraph, accepts: (e: DependsOnEdit[]) => boolean, providedBy: Map<KsKey, Set<Fact>>, need: Need, result: OrderingAnalysis): void {
  const d = need.dependent;
  const p = need.provider.ks;
  const facts = listFacts(need.facts);
  const retry = d.retryInterval ?? d.interval;
  const pWaitsOnD = graph.upstream(p.key).ready.has(d.key);
  // wait: true makes every applied object's readiness a condition (health checks name only some)
  const waits = d.wait === true;
  if (need.hard && graph.isAncestor(d.key, p.key)) {
    const hardFacts = listFacts([...need.facts].filter((f) => HARD.test(f)));
    // (a) the parent's apply fails its dry-run on the CRs, so the child that installs the CRD is never applied
    const at = ctx.locator.locate(need.resource.origin, '/apiVersion');
    result.deadlocks.push({
      message: `Kustomization ${d.key} applies ${need.resource.id.kind} ${need.resource.id.namespace ? `${need.resource.id.namespace}/` : ''}${need.resource.id.name}, which needs ${hardFacts}, installed by ${p.key} — a Kustomization ${d.key} itself applies. The apply fails until they exist, so ${p.key} is never created: this never converges, and no dependsOn can fix it (the parent would wait on its child). Move these resources into a child Kustomization with dependsOn: [${refTo(d, p.key)}], or install the CRDs at bootstrap`,
      file: need.resource.origin?.file, line: at.line, column: at.column, cluster: cluster.name, resource: need.resource.id,
      fix: { type: 'manual', description: `move the resources that need ${hardFacts} from ${d.key} into a new child Kustomization that depends on ${p.key}, or install the CRDs before Flux (bootstrap)` },
    });
    return;
  }
  if ((need.hard || waits) && pWaitsOnD) {
    // (b) a cycle through provision: the provider waits (dependsOn) for the one that needs it
    const edges = pathEdges(cluster, p.key, d.key);
    // turn the order around at a dependsOn that orders nothing the waiting side uses
    const edge = edges.find((e) => needsNothingFrom(e.owner, providedBy.get(e.target)) && accepts([{ kustomization: d.key, add: [p.key] }, { kustomization: e.owner.key, remove: [e.target] }]));
    const shown = edge ?? edges[0];
    // a hard need is closed by the dependsOn on the way; a soft one by the wait: true that makes it count
    const place = !need.hard
      ? orderingPlace(ctx, d, cluster, '/spec/wait')
      : shown ? orderingPlace(ctx, shown.owner, cluster, shown.index >= 0 ? `/spec/dependsOn/${shown.index}` : '/spec/dependsOn') : orderingPlace(ctx, d, cluster);
    const why = need.hard ? 'its apply fails until they exist' : 'it has wait: true and its objects cannot become Ready without them';
    const move = `move the resources of ${d.key} that need them into a Kustomization that depends on ${p.key}`;
    result.deadlocks.push({
      message: `Kustomization ${d.key} needs ${facts} from ${p.key}, but ${p.key} waits for ${d.key}${shown ? ` (dependsOn ${shown.target} in ${shown.owner.key})` : ''}: ${why}, so neither ever becomes Ready. ${edge ? `Remove ${edge.target} from the dependsOn of ${edge.owner.key} (it uses nothing ${edge.target} provides) and add dependsOn: [${refTo(d, p.key)}] to ${d.key}` : `No dependsOn edit fixes it: every wait on the way orders something real; ${move}`}`,
      ...place,
      fix: edge
        ? { type: 'dependsOn', edits: fixEdits(cluster, [{ kustomization: d.key, add: [p.key] }, { kustomization: edge.owner.key, remove: [edge.target] }]) }
        : { type: 'manual', description: move },
    });
    return;
  }
  const hr = need.provider.viaHelmRelease;
  if (hr && graph.upstream(d.key).ready.has(p.key)) {
    const place = orderingPlace(ctx, p, cluster, (p.object.spec as Record<string, unknown> | undefined)?.wait !== undefined ? '/spec/wait' : '/spec');
    result.missing.push({
      ...(need.hard ? {} : { severity: 'warning' as const }),
      message: `Kustomization ${d.key} uses ${facts}, installed by HelmRelease ${hr.namespace}/${hr.name} of Kustomization ${p.key}, which does not wait for it: dependsOn only orders the apply, the CRDs may not exist yet; set wait: true on ${p.key} or add a healthCheck for that HelmRelease`,
      ...place,
      fix: { type: 'wait', kustomization: nameOf(p.key), file: p.origin?.file, line: p.origin?.line },
    });
    return;
  }
  const edits: DependsOnEdit[] = [{ kustomization: d.key, add: [p.key] }];
  const fixable = !graph.isAncestor(d.key, p.key) && accepts(edits);
  const cost = need.hard
    ? `the apply fails until ${need.facts.size > 1 ? 'they exist' : 'it exists'}, and each retry waits retryInterval${d.retryInterval ? '' : ' (= interval)'} = ${retry ?? 'unknown'}`
    : 'the controllers that read them retry until they exist, so this delays the rollout rather than breaking it';
  const advice = fixable
    ? `add dependsOn: [${refTo(d, p.key)}] to Kustomization ${d.key}`
    : graph.isAncestor(d.key, p.key)
      ? `${p.key} is applied by ${d.key} itself, so it cannot wait for it; move these resources into a child Kustomization that depends on ${p.key}`
      : `adding dependsOn on ${p.key} would ${graph.with(edits).problem()}; move these resources into a Kustomization that depends on ${p.key}`;
  result.missing.push({
    ...(need.hard ? {} : { severity: 'warning' as const }),
    message: `Kustomization ${d.key} uses ${facts}, provided by Kustomization ${p.key}, which is not upstream of it: ${cost}; ${advice}`,
    ...orderingPlace(ctx, d, cluster),
    fix: fixable ? { type: 'dependsOn', edits: fixEdits(cluster, edits) } : { type: 'manual', description: advice },
  });
}

function fixEdits(cluster: FluxCluster, edits: DependsOnEdit[]) {
  const byKey = new Map(cluster.kustomizations.map((k) => [k.key, k]));
  return edits.map((e) => {
    const ks = byKey.get(e.kustomization);
    return {
      kustomization: nameOf(e.kustomization), file: ks?.origin?.file, line: ks?.origin?.line,
      ...(e.add ? { add: e.add.map(nameOf) } : {}), ...(e.remove ? { remove: e.remove.map(nameOf) } : {}),
    };
  });
}

/** (c) health checks on an object only a Kustomization that waits for this one applies. */
function healthCheckDeadlocks(ctx: CheckContext, cluster: FluxCluster, graph: OrderGraph): RuleFinding[] {
  const appliers = new Map<string, KsKey[]>();
  for (const ks of cluster.kustomizations) {
    for (const r of ks.resources) {
      const key = `${r.id.kind}/${r.id.namespace ?? ''}/${r.id.name}`;
      (appliers.get(key) ?? appliers.set(key, []).get(key)!).push(ks.key);
    }
  }
  const out: RuleFinding[] = [];
  for (const ks of cluster.kustomizations) {
    ks.healthChecks.forEach((h, i) => {
      // a cluster-scoped object (ClusterIssuer) has no namespace in its id, whatever the health check says
      const by = appliers.get(`${h.kind}/${h.namespace ?? ks.namespace}/${h.name}`) ?? appliers.get(`${h.kind}//${h.name}`) ?? [];
      if (by.length === 0 || by.includes(ks.key)) return;
      const downstream = by.filter((a) => graph.upstream(a).ready.has(ks.key));
      if (downstream.length !== by.length) return;
      const at = ctx.locator.locate(ks.origin, `/spec/healthChecks/${i}`);
      out.push({
        message: `Kustomization ${ks.key} waits for ${h.kind} ${h.namespace ?? ks.namespace}/${h.name}, which only ${downstream.join(' and ')} ${downstream.length > 1 ? 'apply' : 'applies'} — and ${downstream.length > 1 ? 'they wait' : 'it waits'} for ${ks.key}: the health check can never pass and neither becomes Ready. Drop that health check, or move it to ${downstream[0]}`,
        file: ks.origin?.file, line: at.line, column: at.column, cluster: cluster.name, resource: kustomizationRef(ks),
        fix: { type: 'healthChecks', kustomization: nameOf(ks.key), file: ks.origin?.file, line: ks.origin?.line, remove: { apiVersion: h.apiVersion, kind: h.kind, namespace: h.namespace ?? ks.namespace, name: h.name } },
      });
    });
  }
  return out;
}

export const dependencyMissing: Rule = {
  id: 'flux/dependency-missing',
  severity: 'error',
  doc: {
    summary: 'something a Kustomization uses (CRD, namespace, source, secret, issuer, store, storage class …) is provided by a Kustomization that is not upstream; one finding per (dependent, provider)',
    why: 'Flux reconciles Kustomizations in parallel; without dependsOn the resource is applied before what it needs exists. ' +
      'A missing CRD or namespace breaks the apply (error: the whole Kustomization fails its dry-run and waits retryInterval before it tries again). ' +
      'A missing Secret, ConfigMap, secret store, issuer, storage class or Helm source only delays: the controller that reads it retries, ' +
      'so these are reported as warnings whose message says so. What the repository\'s bootstrap installs before Flux runs ' +
      '(Helmfile releases and their kubectl hooks, kustomizations under bootstrap/, Talos extraManifests/inlineManifests) counts as present. ' +
      'Routes attach to their Gateway whenever it appears, so they are not an ordering concern.',
    fix: 'add the providing Kustomization to dependsOn (the suggested edit is checked: no cycle, no parent waiting on its child), and make sure it has wait: true (or a health check on the HelmRelease that installs the CRDs).',
  },
  run: (ctx) => analyse(ctx).missing,
};

export const orderingDeadlock: Rule = {
  id: 'flux/ordering-deadlock',
  severity: 'error',
  doc: {
    summary: 'an order that never converges: CRs applied by an ancestor of the Kustomization installing their CRD, a cycle through CRD or namespace provision, waiting on a downstream unit',
    why: 'Retries do not help: the Kustomization that would provide what is missing is itself waiting for (or created by) the one that fails. The cluster stays half-bootstrapped until someone intervenes by hand.',
    fix: 'the message says what converges: move the CRs into a child Kustomization that depends on the provider, turn the dependsOn around, drop a health check on a downstream object, or install the CRDs at bootstrap.',
  },
  run: (ctx) => analyse(ctx).deadlocks,
};

export const dependencyCycle: Rule = {
  id: 'flux/dependency-cycle',
  severity: 'error',
  doc: {
    summary: 'a cycle in dependsOn',
    why: 'Kustomizations on a cycle wait for each other forever: none of them is ever applied.',
    fix: 'remove the dependsOn entry that closes the cycle; usually one of them does not really need the other.',
  },
  run(ctx) {
    return ctx.repo.clusters.filter((c) => c.cycle).map((c) => {
      const first = c.kustomizations.find((k) => k.key === c.cycle![0]);
      return {
        message: `dependsOn cycle: ${c.cycle!.join(' → ')}; none of these Kustomizations will ever reconcile`,
        file: first?.origin?.file, line: first?.origin?.line, cluster: c.name,
        resource: first ? kustomizationRef(first) : undefined,
      };
    });
  },
};

export const dependencyUnknown: Rule = {
  id: 'flux/dependency-unknown',
  severity: 'error',
  doc: {
    summary: 'dependsOn names a Kustomization that does not exist',
    why: 'Flux waits for a dependency that never appears: the Kustomization never reconciles.',
    fix: 'fix the name (and namespace: dependsOn defaults to the Kustomization\'s own namespace) or remove the entry.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const c of ctx.repo.clusters) {
      const keys = new Set(c.kustomizations.map((k) => k.key));
      for (const ks of c.kustomizations) {
        for (const d of ks.dependsOn) {
          if (keys.has(d)) continue;
          const close = [...keys].filter((k) => k.endsWith(`/${d.split('/')[1]}`));
          const name = d.slice(d.indexOf('/') + 1);
          const near = close.length ? undefined : closestName(name, [...keys].filter((k) => k.startsWith(`${d.split('/')[0]}/`)).map((k) => k.slice(k.indexOf('/') + 1)));
          // at the entry: the dependsOn item that names it
          const list = (ks.object.spec as Record<string, any> | undefined)?.dependsOn;
          const index = Array.isArray(list) ? list.findIndex((e: any) => e?.name === name && (e?.namespace ?? ks.namespace) === d.split('/')[0]) : -1;
          const at = ctx.locator.locate(ks.origin, index >= 0 ? `/spec/dependsOn/${index}` : '/spec/dependsOn');
          out.push({
            message: `Kustomization ${ks.key} depends on ${d}, which does not exist in cluster ${c.name}${close.length ? ` (did you mean ${close.join(' or ')}?)` : near ? ` (did you mean ${near}?)` : ''}`,
            file: ks.origin?.file, line: at.line, column: at.column, cluster: c.name,
            resource: kustomizationRef(ks),
          });
        }
      }
    }
    return out;
  },
};
