// Rendered chart objects join the Kustomization that applies their HelmRelease: every rule
// then sees them, and what they provide (CRDs, namespaces, services …) becomes the
// Kustomization's facts for ordering.
import { factsOf } from '../k8s/facts.js';
import type { K8sObject } from '../k8s/object.js';
import type { RenderedObject } from '../engine/index.js';
import { objectIdOf, type AppliedResource, type FluxKustomization, type HelmReleaseInfo, type ObjectId } from '../repo/flux/index.js';
import type { YamlMap } from '../repo/yaml/values.js';

export function attachRendered(ks: FluxKustomization, hr: HelmReleaseInfo, objects: RenderedObject[], namespace: string, clusterScoped: (o: ObjectId) => boolean): AppliedResource[] {
  const attached = objects.map((r): AppliedResource => {
    const object = r.object as YamlMap;
    const id = objectIdOf(object);
    // Helm applies an object without a namespace to the release namespace
    if (!id.namespace && !r.crd && !clusterScoped(id)) {
      id.namespace = namespace;
      object.metadata = { ...(object.metadata as Record<string, unknown> | undefined), namespace };
    }
    return {
      id, object, origin: hr.origin,
      rendered: { helmRelease: hr.key, template: r.source, ...(r.hook ? { hook: r.hook } : {}), ...(r.crd ? { crd: true } : {}) },
    };
  });
  ks.resources.push(...attached);
  Object.assign(ks, factsOf(ks.resources.map((r) => r.object as unknown as K8sObject)));
  return attached;
}
