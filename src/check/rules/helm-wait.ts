// helm/wait-never-ready: a HelmRelease that Helm waits for (Flux's default) whose workloads can
// never become ready during the wait, so every install times out and is rolled back:
// - a Deployment, StatefulSet or DaemonSet mounts a Secret that nothing creates but the
//   release's own post-install hooks: Helm runs those only after the wait (cilium/cilium#40381,
//   #42045: hubble and clustermesh certificates with `tls.auto.method: cronJob`);
// - a LoadBalancer Service when every address pool of the cluster is applied by a Kustomization
//   downstream of the release's (it waits, through dependsOn or a parent, for the release), and
//   none by the bootstrap: Helm waits for the address, the pool waits for Helm.
import { providedBy } from '../../k8s/facts.js';
import type { K8sObject } from '../../k8s/object.js';
import type { AppliedResource, FluxCluster, HelmReleaseInfo } from '../../repo/flux/index.js';
import type { CheckContext } from '../context.js';
import { OrderGraph } from '../ordering/graph.js';
import type { Rule, RuleFinding } from '../rule.js';
import { bootstrapFacts } from './bootstrap.js';
import { podSpecOf } from './pods.js';

const WAITED = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export const helmWaitNeverReady: Rule = {
  id: 'helm/wait-never-ready',
  severity: 'error',
  doc: {
    summary: 'a HelmRelease Helm waits for, whose workloads mount a Secret only its own post-install hooks create, or whose LoadBalancer Service draws from a pool applied downstream',
    why: 'Helm runs post-install hooks after the wait and Flux applies downstream Kustomizations after the release is Ready: the release times out, is rolled back, and everything after it never starts.',
    fix: 'create the Secret without hooks (Helm-generated or cert-manager certificates), apply the address pool before or with the release (bootstrap, or a Kustomization it depends on), or set spec.install.disableWait where the chart cannot become ready alone.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const cluster of ctx.repo.clusters) out.push(...checkCluster(ctx, cluster));
    return out;
  },
};

function checkCluster(ctx: CheckContext, cluster: FluxCluster): RuleFinding[] {
  const out: RuleFinding[] = [];
  const graph = new OrderGraph(cluster.kustomizations);
  const boot = bootstrapFacts(ctx.root, ctx.repo, ctx.charts);
  const all = cluster.kustomizations.flatMap((k) => k.resources.map((r) => ({ k, r })));
  // what exists in the cluster without any hook: every fact of every non-hook object
  const provided = new Set<string>();
  for (const { r } of all) if (!r.rendered?.hook) for (const f of providedBy(r.object as unknown as K8sObject)) provided.add(f);
  const pools = all.filter(({ r }) => !r.rendered?.hook && providedBy(r.object as unknown as K8sObject).some((f) => f.startsWith('lbpool:')));
  const poolAtBootstrap = [...boot.facts.keys()].some((f) => f.startsWith('lbpool:'));

  for (const hr of cluster.helmReleases) {
    // Argo CD does not run Helm with --wait: it applies the rendered objects and judges their health
    if (hr.application || hr.render?.status !== 'rendered' || !waits(hr)) continue;
    const applier = cluster.kustomizations.find((k) => k.key === hr.appliedBy);
    if (!applier) continue;
    const own = applier.resources.filter((r) => r.rendered?.helmRelease === hr.key);
    // hooks that run something (not the ServiceAccounts and Roles hooks also carry), with their
    // text once: a hook "makes" a Secret when its spec names it
    const hooks = (event: string) => own
      .filter((r) => ['Job', 'Pod', 'CronJob'].includes(r.id.kind) && r.rendered?.hook?.includes(event))
      .map((r) => ({ r, text: JSON.stringify(r.object) }));
    const postInstallHooks = hooks('post-install');
    // a pre-install hook runs, and is waited for, before the workloads: a Secret it makes is there in time
    const preInstallHooks = hooks('pre-install');
    for (const w of own.filter((r) => !r.rendered?.hook && WAITED.has(r.id.kind))) {
      const ns = w.id.namespace ?? hr.namespace;
      const hooked = mountedSecrets(w)
        .filter((secret) => !provided.has(`secret:${ns}/${secret}`) && !boot.facts.has(`secret:${ns}/${secret}`))
        .filter((secret) => !preInstallHooks.some((h) => h.text.includes(secret)))
        .map((secret) => ({ secret, makers: postInstallHooks.filter((h) => h.text.includes(secret)) }))
        .filter((x) => x.makers.length);
      if (!hooked.length) continue;
      const makers = [...new Set(hooked.flatMap((x) => x.makers.map(({ r }) => `${r.id.kind} ${r.id.name}`)))];
      const secrets = hooked.map((x) => x.secret);
      out.push(finding(ctx, cluster, hr,
        `HelmRelease ${hr.key} waits for ${w.id.kind} ${ns}/${w.id.name}, which mounts Secret${secrets.length > 1 ? 's' : ''} ${secrets.join(', ')}; only the release's post-install hook ` +
        `${makers.join(', ')} create${makers.length > 1 ? '' : 's'} ${secrets.length > 1 ? 'them' : 'it'}, and Helm runs hooks after the wait: the install never becomes ready`));
    }
    if (!pools.length || poolAtBootstrap) continue;
    // a deadlock only when every pool waits for this release: its applier is downstream of the
    // release's. Unordered, Flux retries the release until the pool exists, and it converges.
    const downstreamOf = (k: string) => { const up = graph.upstream(k); return up.ready.has(applier.key) || up.ancestors.has(applier.key); };
    if (!pools.every(({ k }) => k.key !== applier.key && downstreamOf(k.key))) continue;
    for (const svc of own.filter((r) => !r.rendered?.hook && r.id.kind === 'Service' && (r.object.spec as Record<string, unknown> | undefined)?.type === 'LoadBalancer')) {
      const downstream = [...new Set(pools.map(({ k }) => k.key))].sort();
      out.push(finding(ctx, cluster, hr,
        `HelmRelease ${hr.key} waits for LoadBalancer Service ${svc.id.namespace ?? hr.namespace}/${svc.id.name}, but every address pool of the cluster is applied by ` +
        `${downstream.join(', ')}, downstream of ${applier.key}: the Service never gets an address while Helm waits`));
    }
  }
  return out;
}

/** Flux waits for a release unless install (and upgrade) waiting is switched off. */
function waits(hr: HelmReleaseInfo): boolean {
  const spec = (hr.object.spec ?? {}) as { install?: { disableWait?: boolean } };
  return spec.install?.disableWait !== true;
}

/** Secrets a workload's pods cannot start without: secret volumes and projected sources, not optional. */
function mountedSecrets(w: AppliedResource): string[] {
  const pod = podSpecOf(w.id.kind, w.object);
  const out = new Set<string>();
  for (const v of (pod?.spec.volumes ?? []) as Array<Record<string, any>>) {
    if (v.secret?.secretName && v.secret.optional !== true) out.add(String(v.secret.secretName));
    for (const s of (v.projected?.sources ?? []) as Array<Record<string, any>>) {
      if (s.secret?.name && s.secret.optional !== true) out.add(String(s.secret.name));
    }
  }
  return [...out];
}

function finding(ctx: CheckContext, cluster: FluxCluster, hr: HelmReleaseInfo, message: string): RuleFinding {
  return {
    message, file: hr.origin?.file, ...ctx.locator.locate(hr.origin, '/spec'), cluster: cluster.name,
    resource: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: hr.namespace, name: hr.name },
  };
}
