// Spegel: a stateless, cluster-local OCI registry mirror. Every node serves the image layers its
// containerd already has to the other nodes, so a rollout pulls an image from the internet once
// per cluster rather than once per node, and keeps working while the upstream registry is down.
//
// What the node needs (not done here: the Talos machine config is not changed by this module):
// containerd must keep the unpacked layers' blobs and read mirror configuration from a
// `config_path`. On Talos that is a machine.files patch writing
// `/etc/cri/conf.d/20-customization.part` with
// `[plugins."io.containerd.cri.v1.images"] discard_unpacked_layers = false`; Talos already sets
// the registry config_path to /etc/cri/conf.d/hosts, where Spegel writes its mirror entries
// (chart value spegel.containerdRegistryConfigPath).
//
// One unit, no CRDs. Namespace `privileged`: the DaemonSet mounts the containerd socket and the
// hosts folder from the node. Policy under the baseline: containerd on each node (host network)
// reaches the local Spegel registry through its hostPort; peers meet inside the namespace.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowIngress, fromCidr } from '../k8s/network-policy.js';
import { defineModule } from '../model/module.js';

const NS = 'spegel';
const REGISTRY_PORT = 5000;

export const spegel = defineModule({
  name: 'spegel',
  description: 'Spegel: peer-to-peer registry mirror between the nodes\' containerd',
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    chart: { repo: 'oci://ghcr.io/spegel-org/helm-charts', name: 'spegel', version: '0.7.4' },
    /** Port on every node where containerd finds the local mirror. */
    hostPort: 29999,
  },
  render({ options: o, cluster }) {
    const values = {
      spegel: {
        containerdSock: '/run/containerd/containerd.sock',
        containerdRegistryConfigPath: '/etc/cri/conf.d/hosts',
      },
      service: { registry: { hostPort: o.hostPort } },
      resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    };
    return [{
      name: 'spegel',
      dir: 'app',
      files: [
        { file: 'ocirepository.yaml', objects: [chartSource('spegel', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'spegel', namespace: NS, chart: o.chart, values })] },
        {
          file: 'networkpolicy.yaml',
          objects: [allowIngress('allow-containerd', NS, { 'app.kubernetes.io/name': 'spegel' }, [fromCidr(cluster.network.nodeSubnet)], [{ port: REGISTRY_PORT }])],
        },
      ],
    }];
  },
});
