// Planning: render every module of every cluster into units, compute what each
// unit provides and uses, and derive dependsOn, waves and the critical path.
// Problems found here are configuration problems (a module used without what it
// needs), reported with the config path of the module.
import { computeWaves, criticalPath, findCycle, groupWaves } from '../graph/dag.js';
import { crdFact, providedBy, usedBy, type Fact } from '../k8s/facts.js';
import type { ConfigProblem } from '../model/validate.js';
import { mergeNamespaceSpecs, ModuleConfigError, type ModuleDefinition, type NamespaceSpec, type Unit } from '../model/module.js';
import { mergeOptions } from '../model/options.js';
import type { ClusterConfig, FleetConfig } from '../model/types.js';
import { devOverrides, isDevCluster, KIND_STORAGE_CLASS } from './dev-profile.js';
import { localProvider, localSecretsModule, localSecretsUnit, takeSecretNeeds, type LocalProvider, type SecretNeed } from './local-secrets.js';
import { addCapiUnits } from './capi.js';
import { argoIncompatibilities } from './argocd-layout.js';
import { gitopsOf } from '../k8s/fleet.js';

export interface PlannedUnit {
  unit: Unit;
  module: ModuleDefinition<object>;
  /** Config path of the module instance, for messages. */
  configPath: string;
  namespace: NamespaceSpec;
  provides: Set<Fact>;
  uses: Set<Fact>;
  /** Names of the units this one depends on, sorted. */
  dependsOn: string[];
  wave: number;
}

export interface ClusterPlan {
  cluster: ClusterConfig;
  domain: string;
  units: PlannedUnit[];
  namespaces: NamespaceSpec[];
  waves: string[][];
  criticalPath: string[];
  /** Secrets a task builds from the local vault (sops, sealed-secrets providers); empty with 1Password. */
  secretNeeds: SecretNeed[];
}

export interface FleetPlan {
  fleet: FleetConfig;
  clusters: ClusterPlan[];
}

export class PlanError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  }
}

/** Facts with no provider that are still fine: things that exist before Flux runs. */
const AMBIENT = [/^namespace:(kube-system|flux-system|default)$/, /^secret:/, /^configmap:/];

/** Facts whose absence is a config mistake: no enabled module provides them. */
const MUST_BE_PROVIDED = /^(crd|namespace|storageclass|volumesnapshotclass|clusterissuer|clustersecretstore|gatewayclass|gateway|source|clusterclass):/;

export function planFleet(fleet: FleetConfig): FleetPlan {
  const problems: ConfigProblem[] = [];
  // two phases: every cluster's units first, then the Cluster API objects of each workload
  // cluster join its management cluster (they are made from the workload cluster's own units),
  // and only then dependsOn and waves
  const rendered = fleet.clusters.map((cluster, i) => renderCluster(fleet, cluster, `clusters[${i}]`, problems));
  addCapiUnits(fleet, rendered, problems);
  const clusters = rendered.map((r, i) => wireCluster(r, `clusters[${i}]`, problems));
  if (problems.length) throw new PlanError(problems);
  return { fleet, clusters };
}

/** A cluster's units before they are ordered; `addUnit` takes units made elsewhere (Cluster API). */
export interface RenderedCluster {
  fleet: FleetConfig;
  cluster: ClusterConfig;
  domain: string;
  units: PlannedUnit[];
  secretNeeds: SecretNeed[];
  /** The fleet's local secrets provider, if any. */
  local: LocalProvider | undefined;
  /** Namespaces modules make besides their own (ModuleDefinition.extraNamespaces). */
  extraNamespaces: NamespaceSpec[];
  addUnit(unit: Unit, module: ModuleDefinition<object>, configPath: string): void;
}

function renderCluster(fleet: FleetConfig, cluster: ClusterConfig, at: string, problems: ConfigProblem[]): RenderedCluster {
  const domain = cluster.domain ?? `${cluster.name}.${fleet.domain}`;
  const enabled = new Set(cluster.modules.map((m) => m.module.name));
  const units: PlannedUnit[] = [];
  const local = localProvider(fleet);
  const secretNeeds: SecretNeed[] = [];
  const addUnit = (made: Unit, module: ModuleDefinition<object>, configPath: string) => {
    // the local providers deliver the credentials a module asks the secret store for
    const { unit, needs: secrets } = local ? takeSecretNeeds(made) : { unit: made, needs: [] };
    secretNeeds.push(...secrets);
    const provides = new Set<Fact>((unit.installsCrds ?? []).map((k) => crdFactOf(k)));
    // the Secrets a local provider delivers in its place, which the unit's objects read
    const uses = new Set<Fact>([...(unit.chartUsesCrds ?? []).map((k) => crdFactOf(k)), ...secrets.map((n) => `secret:${n.namespace}/${n.name}`)]);
    for (const s of unit.madeByTask?.providesSecrets ?? []) provides.add(`secret:${s}`);
    for (const file of unit.files) {
      for (const o of file.objects) {
        providedBy(o).forEach((f) => provides.add(f));
        usedBy(o).forEach((f) => uses.add(f));
      }
    }
    units.push({ unit, module, configPath, namespace: module.namespace, provides, uses, dependsOn: [], wave: 0 });
  };
  const extraNamespaces: NamespaceSpec[] = [];
  cluster.modules.forEach((instance, j) => {
    const module = instance.module as ModuleDefinition<object>;
    // dev clusters size modules down under the user's overrides, which still win
    const base = isDevCluster(cluster) ? mergeOptions(module.defaults, devOverrides(module.defaults, enabled)) : module.defaults;
    const options = mergeOptions(base, instance.overrides);
    let rendered: Unit[];
    try {
      rendered = module.render({ fleet, cluster, options, domain, has: (name) => enabled.has(name) });
    } catch (err) {
      // a module that cannot work with this config says why; anything else is a bug of the module
      if (!(err instanceof ModuleConfigError)) throw err;
      problems.push({ path: `${at}.modules[${j}]`, message: err.message });
      return;
    }
    for (const made of rendered) addUnit(made, module, `${at}.modules[${j}]`);
    extraNamespaces.push(...(module.extraNamespaces?.(options) ?? []));
  });
  return { fleet, cluster, domain, units, secretNeeds, local, extraNamespaces, addUnit };
}

function wireCluster(r: RenderedCluster, at: string, problems: ConfigProblem[]): ClusterPlan {
  const { cluster, domain, units, secretNeeds } = r;
  const { local } = r;
  if (local && secretNeeds.length) r.addUnit(localSecretsUnit(local, cluster.name, secretNeeds), localSecretsModule, 'secrets');

  const names = new Map<string, PlannedUnit>();
  for (const u of units) {
    const prior = names.get(u.unit.name);
    if (prior) problems.push({ path: u.configPath, message: `unit "${u.unit.name}" of module "${u.module.name}" clashes with a unit of module "${prior.module.name}"` });
    names.set(u.unit.name, u);
  }

  const providers = new Map<Fact, PlannedUnit[]>();
  for (const u of units) for (const f of u.provides) (providers.get(f) ?? providers.set(f, []).get(f)!).push(u);
  const namespaces = mergeNamespaceSpecs([...units.map((u) => u.namespace), ...r.extraNamespaces]);
  const namespaceFacts = new Set(namespaces.map((n) => `namespace:${n.name}`));

  for (const u of units) {
    const deps = new Set<string>();
    for (const fact of [...u.uses].sort()) {
      const chartCrd = fact.startsWith('crd:') && (u.unit.installsCrds ?? []).some((k) => crdFactOf(k) === fact);
      if (chartCrd) {
        problems.push({ path: u.configPath, message: `unit "${u.unit.name}" uses ${fact.slice(4)} whose CRD its own HelmRelease installs; move the custom resources to a separate unit` });
        continue;
      }
      if (u.provides.has(fact)) continue; // e.g. a CRD object or source in the same folder
      const from = (providers.get(fact) ?? []).filter((p) => p !== u);
      if (from.length) {
        // what the bootstrap installs before GitOps starts is no dependency GitOps can wait on
        from.filter((p) => !p.unit.installedBy).forEach((p) => deps.add(p.unit.name));
      } else if (namespaceFacts.has(fact) || AMBIENT.some((re) => re.test(fact)) || (isDevCluster(cluster) && fact === `storageclass:${KIND_STORAGE_CLASS}`)) {
        // namespaces are applied by the parent Kustomization before any unit reconciles
      } else if (MUST_BE_PROVIDED.test(fact)) {
        problems.push({ path: u.configPath, message: `module "${u.module.name}" (unit "${u.unit.name}") needs ${describeFact(fact)}, which no module enabled on cluster "${cluster.name}" provides; enable the module that provides it` });
      }
    }
    u.dependsOn = [...deps].sort();
  }

  if (gitopsOf(r.fleet, cluster) === 'argocd') {
    for (const u of units) {
      for (const what of argoIncompatibilities(u.unit)) {
        problems.push({ path: u.configPath, message: `module "${u.module.name}" (unit "${u.unit.name}") uses ${what}, which Argo CD has no equivalent of; cluster "${cluster.name}" is delivered by Argo CD (gitops: 'argocd')` });
      }
    }
  }

  const depMap = new Map(units.map((u) => [u.unit.name, u.dependsOn]));
  const reconciled = [...names.values()].filter((u) => !u.unit.installedBy).map((u) => u.unit.name);
  const cycle = findCycle(reconciled, depMap);
  if (cycle) problems.push({ path: `${at}.modules`, message: `the modules depend on each other in a cycle: ${cycle.join(' → ')}` });
  const waves = computeWaves(reconciled, depMap);
  for (const u of units) u.wave = waves.get(u.unit.name) ?? 0;
  units.sort((a, b) => a.wave - b.wave || a.unit.name.localeCompare(b.unit.name));
  return { cluster, domain, units, namespaces, waves: groupWaves(waves), criticalPath: criticalPath(waves, depMap), secretNeeds };
}

function crdFactOf(kind: string): Fact {
  const slash = kind.lastIndexOf('/');
  return crdFact(kind.slice(0, slash), kind.slice(slash + 1));
}

function describeFact(fact: Fact): string {
  const [kind, ...rest] = fact.split(':');
  const name = rest.join(':');
  switch (kind) {
    case 'crd': return `the CRD of ${name}`;
    case 'storageclass': return `StorageClass "${name}"`;
    case 'volumesnapshotclass': return `VolumeSnapshotClass "${name}"`;
    case 'clusterissuer': return `ClusterIssuer "${name}"`;
    case 'clustersecretstore': return `ClusterSecretStore "${name}"`;
    case 'gatewayclass': return `GatewayClass "${name}"`;
    case 'gateway': return `Gateway ${name}`;
    case 'source': return `the Flux source ${name}`;
    default: return fact;
  }
}
