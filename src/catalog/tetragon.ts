// Tetragon: eBPF process, file and network observability with in-kernel enforcement, from the
// Cilium project (seed 000/004). It complements Falco: Falco detects from the syscall stream
// with a broad default ruleset, Tetragon hooks exactly what a TracingPolicy names and can kill
// or block in the kernel. The catalog writes no TracingPolicy: their CRDs (cilium.io
// TracingPolicy, TracingPolicyNamespaced, PodInfo) are registered by the tetragon-operator at
// start-up rather than shipped in the chart, and /work/shared/schemas has no schema for them.
//
// One unit in kube-system (like Cilium itself: the agent runs on the host network, privileged,
// with host PID and the BPF filesystem; kube-system gets no default-deny baseline). Events go
// to stdout through the chart's export sidecar, for the cluster's log pipeline.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { defineModule } from '../model/module.js';

const NS = 'kube-system';

export const tetragon = defineModule({
  name: 'tetragon',
  description: 'Tetragon eBPF runtime observability and enforcement',
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    chart: { repo: 'oci://ghcr.io/cilium/charts', name: 'tetragon', version: '1.6.0' },
  },
  render({ options: o, has }) {
    const values = {
      tetragon: {
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
        // pod metadata through the Cilium agent's endpoint cache when Cilium runs
        enableCiliumAPI: has('cilium'),
        prometheus: { enabled: true, serviceMonitor: { enabled: false } },
      },
      export: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } },
      tetragonOperator: {
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        prometheus: { serviceMonitor: { enabled: false } },
      },
    };
    return [{
      name: 'tetragon',
      dir: 'app',
      installsCrds: ['PodInfo', 'TracingPolicy', 'TracingPolicyNamespaced'].map((k) => `cilium.io/${k}`),
      files: [
        { file: 'ocirepository.yaml', objects: [chartSource('tetragon', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'tetragon', namespace: NS, chart: o.chart, values })] },
      ],
    }];
  },
});
