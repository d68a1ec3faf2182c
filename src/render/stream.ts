// What `slipway render` prints: the objects Flux would apply for one Kustomization (what
// kustomize-controller applies), one HelmRelease (what helm-controller applies), or everything,
// as one YAML stream in apply order of the loader (Kustomizations by key, then their objects).
import { stringify } from 'yaml';
import type { AppliedResource, FluxCluster } from '../repo/flux/index.js';

export type RenderTarget = { kustomization: string } | { helmRelease: string } | { all: true };

export function selectObjects(cluster: FluxCluster, target: RenderTarget): AppliedResource[] | undefined {
  if ('all' in target) return cluster.kustomizations.flatMap((k) => k.resources);
  if ('kustomization' in target) {
    const ks = cluster.kustomizations.find((k) => k.key === target.kustomization);
    return ks?.resources.filter((r) => !r.rendered);
  }
  const hr = cluster.helmReleases.find((h) => h.key === target.helmRelease);
  if (!hr) return undefined;
  return cluster.kustomizations.flatMap((k) => k.resources).filter((r) => r.rendered?.helmRelease === hr.key);
}

export function yamlStream(objects: AppliedResource[]): string {
  return objects.map((r) => {
    const source = r.rendered?.template ? `# Source: ${r.rendered.template}\n` : '';
    return `---\n${source}${stringify(r.object, { lineWidth: 0, aliasDuplicateObjects: false })}`;
  }).join('');
}
