// Workload hygiene: requests and limits (scheduling and noisy neighbours, seed 004) and
// pinned images (what runs must be what was reviewed).
import { unitLabel, type Rule, type RuleFinding } from '../rule.js';
import { containersOf, podSpecOf } from './pods.js';

export const workloadResources: Rule = {
  id: 'workload/resources',
  severity: 'warning',
  doc: {
    summary: 'containers without requests/limits',
    why: 'without requests the scheduler packs pods blindly; without a memory limit one pod can starve a node.',
    fix: 'set resources.requests (cpu, memory) and resources.limits (at least memory) on every container.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const { cluster, kustomization, resource } of ctx.appliedOnce()) {
      const pod = podSpecOf(resource.id.kind, resource.object);
      if (!pod) continue;
      for (const { container, pointer } of containersOf(pod, false)) {
        const r = container.resources ?? {};
        const missing = [!r.requests && 'requests', !r.limits && 'limits'].filter(Boolean);
        if (!missing.length) continue;
        out.push({
          message: `container "${container.name}" of ${resource.id.kind} ${resource.id.namespace ?? ''}/${resource.id.name} has no resource ${missing.join(' or ')}`,
          file: resource.origin?.file, ...ctx.locator.locate(resource.origin, pointer), cluster: cluster.name, resource: resource.id,
          // one app, one decision about resources
          rootCause: { key: `${cluster.name}|${kustomization.key}`, message: `containers applied by ${unitLabel(kustomization)} have no resource requests or limits` },
        });
      }
    }
    return out;
  },
};

/** The tag of an image reference, or undefined; a digest counts as pinned. */
export function imagePin(image: string): 'digest' | 'latest' | 'none' | 'tag' {
  if (image.includes('@sha256:')) return 'digest';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return 'none';
  return lastSegment.slice(colon + 1) === 'latest' ? 'latest' : 'tag';
}

export const workloadImageTag: Rule = {
  id: 'workload/image-tag',
  severity: 'warning',
  doc: {
    summary: 'images without a pinned tag or digest, or :latest',
    why: 'an unpinned image changes under you: a restart can run code nobody reviewed, and rollbacks do not roll back.',
    fix: 'pin a version tag (and ideally a digest: image:1.2.3@sha256:…); let Renovate bump it.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const { cluster, resource } of ctx.appliedOnce()) {
      const pod = podSpecOf(resource.id.kind, resource.object);
      if (!pod) continue;
      for (const { container, pointer } of containersOf(pod)) {
        if (typeof container.image !== 'string') continue;
        const pin = imagePin(container.image);
        if (pin === 'tag' || pin === 'digest') continue;
        out.push({
          message: `container "${container.name}" runs ${container.image}, ${pin === 'latest' ? 'the moving :latest tag' : 'which has no tag (means :latest)'}; pin a version or digest`,
          file: resource.origin?.file, ...ctx.locator.locate(resource.origin, `${pointer}/image`), cluster: cluster.name, resource: resource.id,
          rootCause: { key: container.image, message: `${container.image} ${pin === 'latest' ? 'is the moving :latest tag' : 'has no tag (means :latest)'}; pin a version or digest` },
        });
      }
    }
    return out;
  },
};
