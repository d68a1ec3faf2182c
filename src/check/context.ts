// What every rule sees: the loaded Flux repository, schemas, chart knowledge, the
// target Kubernetes version, and helpers to walk the resources each cluster applies.
import type { AppliedResource, FluxCluster, FluxKustomization, FluxRepository, HelmReleaseInfo } from '../repo/flux/index.js';
import type { SchemaRegistry } from '../schema/index.js';
import type { ChartCrds } from './chart-crds.js';
import type { SlipwayConfig } from './config.js';
import { SourceLocator } from './locate.js';

export interface AppliedItem {
  cluster: FluxCluster;
  kustomization: FluxKustomization;
  resource: AppliedResource;
}

export class CheckContext {
  readonly locator: SourceLocator;
  private rendered?: Map<string, { hr: HelmReleaseInfo; template?: string }>;

  constructor(
    readonly root: string,
    readonly repo: FluxRepository,
    readonly schemas: SchemaRegistry,
    readonly kubeVersion: string,
    readonly charts: ChartCrds,
    readonly config: SlipwayConfig,
  ) {
    this.locator = new SourceLocator(root);
  }

  /** Every resource every cluster applies, with the Kustomization that applies it. */
  *applied(): Generator<AppliedItem> {
    for (const cluster of this.repo.clusters) {
      for (const kustomization of cluster.kustomizations) {
        for (const resource of kustomization.resources) yield { cluster, kustomization, resource };
      }
    }
  }

  /** The HelmRelease (and chart template) behind a rendered object, by the finding's file and object. */
  renderedAt(file: string, kind: string, namespace: string | undefined, name: string): { hr: HelmReleaseInfo; template?: string } | undefined {
    if (!this.rendered) {
      this.rendered = new Map();
      for (const cluster of this.repo.clusters) {
        const releases = new Map(cluster.helmReleases.map((h) => [h.key, h]));
        for (const resource of cluster.kustomizations.flatMap((k) => k.resources)) {
          const hr = resource.rendered && releases.get(resource.rendered.helmRelease);
          if (!hr || !resource.origin) continue;
          this.rendered.set(renderedKey(resource.origin.file, resource.id.kind, resource.id.namespace, resource.id.name), { hr, template: resource.rendered!.template });
        }
      }
    }
    return this.rendered.get(renderedKey(file, kind, namespace, name));
  }

  /**
   * Each source document once: a file built into two clusters (or by two Kustomizations)
   * would otherwise give the same finding twice. The first cluster by name wins.
   */
  *appliedOnce(): Generator<AppliedItem> {
    const seen = new Set<string>();
    for (const item of this.applied()) {
      const o = item.resource.origin;
      const id = item.resource.id;
      const key = `${o ? `${o.file}:${o.line}` : item.kustomization.key}|${id.apiVersion}|${id.kind}|${id.namespace ?? ''}|${id.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      yield item;
    }
  }
}

const renderedKey = (file: string, kind: string, namespace: string | undefined, name: string): string => `${file}|${kind}|${namespace ?? ''}|${name}`;
