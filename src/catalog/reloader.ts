// Reloader (Stakater): rolls a Deployment, StatefulSet or DaemonSet when a ConfigMap or Secret it
// uses changes — the missing link between ExternalSecrets refreshing a Secret from 1Password and
// the pods that read it at start. Opt-in per workload (annotation `reloader.stakater.com/auto:
// "true"`), never cluster-wide by default, so nothing restarts that did not ask to.
//
// One unit, no CRDs. Namespace `restricted`: the controller runs as non-root with a read-only
// root filesystem. It only talks to the API server, which the baseline allows.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { defineModule } from '../model/module.js';

const NS = 'reloader';

export const reloader = defineModule({
  name: 'reloader',
  description: 'Stakater Reloader: rolling restarts when ConfigMaps or Secrets change',
  namespace: { name: NS, podSecurity: 'restricted' },
  defaults: {
    chart: { repo: 'oci://ghcr.io/stakater/charts', name: 'reloader', version: '2.2.16' },
  },
  render({ options: o }) {
    const values = {
      fullnameOverride: 'reloader',
      reloader: {
        readOnlyRootFileSystem: true,
        deployment: {
          replicas: 1,
          resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        },
      },
    };
    return [{
      name: 'reloader',
      dir: 'app',
      files: [
        { file: 'ocirepository.yaml', objects: [chartSource('reloader', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'reloader', namespace: NS, chart: o.chart, values })] },
      ],
    }];
  },
});
