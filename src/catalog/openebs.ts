// OpenEBS LocalPV hostpath: node-local volumes for workloads that replicate data
// themselves or need raw local speed (seed 001, days 20–21), next to Ceph.
//
// One unit: the provisioner chart and the StorageClass `openebs-hostpath`. The class is
// written here rather than by the chart so the graph sees it and orders its users after
// this unit. Volumes live under /var because that is the writable partition on Talos.
import { chartSource, helmRelease } from '../k8s/builders.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule, ModuleConfigError } from '../model/module.js';

const NS = 'openebs';
export const OPENEBS_HOSTPATH = 'openebs-hostpath';

export const openebs = defineModule({
  name: 'openebs',
  description: 'OpenEBS LocalPV hostpath provisioner and the openebs-hostpath StorageClass',
  // the provisioner's helper pods create and delete directories through hostPath volumes
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    chart: { repo: 'https://openebs.github.io/dynamic-localpv-provisioner', name: 'localpv-provisioner', version: '4.3.0' },
    /** Directory on each node that holds the volumes; must be under /var on Talos. */
    basePath: '/var/openebs/local',
  },
  render({ options: o }) {
    if (!o.basePath.startsWith('/var/')) {
      throw new ModuleConfigError(`openebs: basePath "${o.basePath}" is not under /var, the only writable host path on Talos`);
    }
    const values = {
      localpv: {
        basePath: o.basePath,
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      },
      hostpathClass: { enabled: false },
      analytics: { enabled: false },
    };
    return [{
      name: 'openebs',
      dir: 'app',
      // Talos runs the kubelet in a container: the volumes' folder must be mounted into it
      hostMounts: [o.basePath],
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource('openebs', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'openebs', namespace: NS, chart: o.chart, values })] },
        { file: 'storageclass.yaml', objects: [storageClass(o.basePath)] },
      ],
    }];
  },
});

function storageClass(basePath: string): K8sObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: OPENEBS_HOSTPATH,
      annotations: {
        'openebs.io/cas-type': 'local',
        'cas.openebs.io/config': `- name: StorageType\n  value: hostpath\n- name: BasePath\n  value: ${basePath}\n`,
      },
    },
    provisioner: 'openebs.io/local',
    reclaimPolicy: 'Delete',
    // the volume lives on whichever node the pod lands on
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}
