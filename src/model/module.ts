// The contract between the fleet model and the module catalog.
// A module turns typed options into Flux "units": one Flux Kustomization each,
// with the manifests it applies and the facts (provides/uses) that order it.
import type { ClusterConfig, FleetConfig } from './types.js';
import type { K8sObject } from '../k8s/object.js';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Deep partial: what a user writes when overriding some defaults of a module. */
export type Overrides<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: Overrides<T[K]> }
    : T;

/** A module as configured in a cluster: the definition and the user's overrides. */
export interface ModuleInstance<O extends object = object> {
  readonly module: ModuleDefinition<O>;
  readonly overrides: Overrides<O>;
}

export interface ModuleContext<O> {
  fleet: FleetConfig;
  cluster: ClusterConfig;
  /** Defaults merged with the user's overrides. */
  options: O;
  /** The fully qualified domain of this cluster (`<cluster>.<fleet domain>` unless set). */
  domain: string;
  /** Is another module enabled on this cluster? Lets modules wire optional integrations. */
  has(moduleName: string): boolean;
}

export interface ModuleDefinition<O extends object> {
  /** Catalog name, also the folder name of the app: `<namespace>/<name>/`. */
  readonly name: string;
  readonly description: string;
  /** Namespace the module lives in, created with its Pod Security level. */
  readonly namespace: NamespaceSpec;
  readonly defaults: O;
  /** Other modules that must be enabled on the same cluster. */
  readonly requires?: readonly string[];
  /**
   * Namespaces the module makes besides its own (a team's), from its options: created with the
   * cluster's namespaces, before any unit, with their Pod Security level and baseline policies.
   */
  extraNamespaces?(options: O): NamespaceSpec[];
  render(ctx: ModuleContext<O>): Unit[];
}

export interface NamespaceSpec {
  name: string;
  podSecurity: PodSecurityLevel;
}

/** One spec per namespace, sorted: modules sharing a namespace get the least strict level any of them needs. */
export function mergeNamespaceSpecs(specs: readonly NamespaceSpec[]): NamespaceSpec[] {
  const byName = new Map<string, NamespaceSpec>();
  const rank = { privileged: 0, baseline: 1, restricted: 2 } as const;
  for (const spec of specs) {
    const prior = byName.get(spec.name);
    if (!prior || rank[spec.podSecurity] < rank[prior.podSecurity]) byName.set(spec.name, spec);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A file of the app folder and the objects it holds (one document each). */
export interface ManifestFile {
  file: string;
  objects: K8sObject[];
}

/**
 * One Flux Kustomization. Its `dependsOn` is never written by a module: synth
 * computes it from what the units provide and use.
 */
export interface Unit {
  /** Flux Kustomization name; unique per cluster. */
  name: string;
  /** Folder of the unit inside the module folder, e.g. "app" or "config". */
  dir: string;
  files: ManifestFile[];
  /**
   * CRD kinds ("group/Kind") that Helm charts in this unit install. Charts are not in
   * Git, so this is the one fact that cannot be read from the manifests.
   */
  installsCrds?: string[];
  /** CRD kinds that chart templates in this unit create (e.g. ServiceMonitor via values). */
  chartUsesCrds?: string[];
  /** Health-check timeout; operators that build storage or databases need longer. */
  timeout?: string;
  /** postBuild.substitute variables. */
  substitute?: Record<string, string>;
  /**
   * Install this unit in a bootstrap phase before Flux runs: `crds` renders only the CRDs of its
   * HelmRelease (or applies `crdManifest`), `apps` installs its HelmRelease with Helmfile.
   */
  bootstrap?: 'crds' | 'apps';
  /**
   * For a `crds` unit whose CRDs are plain manifests from a GitRepository, not a chart: their
   * release URL, with `{tag}` for the GitRepository's `spec.ref.tag` (read from the file at
   * bootstrap time, so a Renovate bump of the source moves the bootstrap too).
   */
  crdManifest?: string;
  /**
   * For an `apps` unit: what the bootstrap does once the release is installed, in place of Helm's
   * wait — wait for CRDs its operator creates, apply files of other units (`unit`/`file`) that it
   * needs to become ready, then wait for these workloads to roll out.
   */
  /** Host folders the kubelet must see (bind-mounted into it where it runs in a container, as on Talos). */
  hostMounts?: string[];
  /**
   * Files the unit's kustomization lists that synth never writes: a Taskfile task makes them
   * (the encrypted or sealed Secrets of the local secrets providers). `providesSecrets` names the
   * Secrets ("namespace/name") they hold, so units that read them are ordered after this one.
   */
  madeByTask?: { task: string; files: string[]; providesSecrets: string[]; readme: string };
  /**
   * Installed outside GitOps, by this bootstrap step (e.g. `clusterctl init`): synth writes no
   * Kustomization for it, but the CRDs it installs still order the units that use them.
   */
  installedBy?: string;
  /** Flux decrypts this unit's SOPS-encrypted files (decryption.provider sops). */
  decryptsSops?: boolean;
  bootstrapPostSync?: { waitForCrds?: string[]; apply?: Array<{ unit: string; file: string }>; rollout?: string[] };
}

/**
 * Thrown by a module's render() when the fleet config does not give it what it needs (a
 * setting, another module): reported with the config path of the module, never as a crash.
 */
export class ModuleConfigError extends Error {}

/** A catalog entry as users see it: call it with overrides to enable the module on a cluster. */
export type ModuleFactory<O extends object> = ((overrides?: Overrides<O>) => ModuleInstance<O>) & {
  readonly definition: ModuleDefinition<O>;
};

export function defineModule<O extends object>(definition: ModuleDefinition<O>): ModuleFactory<O> {
  const factory = (overrides: Overrides<O> = {} as Overrides<O>): ModuleInstance<O> => ({ module: definition, overrides });
  return Object.assign(factory, { definition });
}
