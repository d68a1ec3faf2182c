// Dev-sized module values for local clusters (kind): one replica instead of several, and the
// storage class the cluster has instead of Ceph. Applied under the user's overrides, by the
// catalog's naming convention — an option called `replicas`, `…Replicas` or `instances` sizes
// a workload, one called `storageClass` picks its volumes' class — so every module, present and
// future, shrinks the same way without a dev variant of its own.
import { OPENEBS_HOSTPATH } from '../catalog/openebs.js';
import type { ClusterConfig } from '../model/types.js';

/** The StorageClass kind clusters ship with (rancher local-path-provisioner). */
export const KIND_STORAGE_CLASS = 'standard';

const SIZES = /^(replicas|instances)$|Replicas$/;

/** Whether a cluster runs the dev profile. */
export const isDevCluster = (cluster: ClusterConfig) => cluster.provider.kind === 'kind';

/** The local storage class of a dev cluster: OpenEBS hostpath where that module runs, else kind's own. */
export function localStorageClass(enabled: ReadonlySet<string>): string {
  return enabled.has('openebs') ? OPENEBS_HOSTPATH : KIND_STORAGE_CLASS;
}

/** The dev values of a module's top-level options, as overrides to merge under the user's. */
export function devOverrides(defaults: object, enabled: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) {
    if (SIZES.test(key) && typeof value === 'number' && value > 1) out[key] = 1;
    else if (key === 'storageClass' && typeof value === 'string') out[key] = localStorageClass(enabled);
  }
  return out;
}
