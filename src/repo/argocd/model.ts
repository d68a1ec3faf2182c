// What is Argo CD-specific about an Application once it is loaded into the shared unit shape
// (FluxKustomization with kind 'Application', see src/repo/flux/model.ts): its sync wave, its
// sources as Argo CD's repo-server would read them, where it deploys, and where it sits in its
// app-of-apps tree. Plain data, so graph and check can show it as it is.
import type { ChartLocation } from '../flux/model.js';

export const APPLICATION_API_GROUP = 'argoproj.io';
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Where Argo CD runs unless an Application says otherwise. */
export const ARGOCD_NAMESPACE = 'argocd';

/**
 * One entry of spec.source / spec.sources, classified:
 * - git: a directory of a repository (kustomize, plain YAML, or a Helm chart folder);
 * - helm: a chart from a Helm HTTP repository or an OCI registry;
 * - ref: a git source that only lends files to another source's valueFiles (`$ref/...`).
 */
export interface ApplicationSource {
  index: number;
  type: 'git' | 'helm' | 'ref';
  repoURL?: string;
  targetRevision?: string;
  path?: string;
  chart?: string;
  ref?: string;
  /** JSON pointer of the entry inside the Application ("/spec/source", "/spec/sources/1"). */
  pointer: string;
  /** git/ref: the repository folder, when the source is this repository. */
  dir?: string;
  /** git: how repo-server renders the folder; 'remote': not in this repository. */
  tool?: 'kustomize' | 'directory' | 'helm' | 'remote';
  /** When the source cannot be read offline: why. */
  remote?: string;
}

export interface ApplicationInfo {
  /** argocd.argoproj.io/sync-wave (default 0). */
  syncWave: number;
  project?: string;
  destination: { server?: string; name?: string; namespace?: string };
  sources: ApplicationSource[];
  syncOptions: string[];
  automated: boolean;
  /** Depth in the app-of-apps tree: 0 for a root. */
  level: number;
}

/** A Helm chart source of an Application, rendered as helm-controller renders a HelmRelease. */
export interface ApplicationHelmSource {
  /** namespace/name of the Application. */
  key: string;
  /** Index of the source in spec.sources (0 for spec.source). */
  source: number;
  /** JSON pointer of the source inside the Application. */
  pointer: string;
  location: ChartLocation;
}
