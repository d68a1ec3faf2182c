// Falco: runtime threat detection from the kernel's syscall stream (seed 000/004). A DaemonSet
// with the modern eBPF probe (CO-RE, built into the Falco binary: no kernel module and no driver
// download, which suits Talos' immutable kernel), and falcoctl keeping the rules current from the
// falcosecurity registry. Alerts go to stdout as JSON, where the cluster's log pipeline
// (fluent-bit → VictoriaLogs) picks them up.
//
// One unit, no CRDs. Namespace `privileged`: the probe needs host PID, /proc and /sys and
// BPF capabilities, which no lower Pod Security level admits. Policy under the baseline: falcoctl
// pulls rules from ghcr.io (https to the internet).
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowEgress, internet } from '../k8s/network-policy.js';
import { defineModule } from '../model/module.js';

const NS = 'falco';

export const falco = defineModule({
  name: 'falco',
  description: 'Falco runtime security (modern eBPF), rules kept current by falcoctl',
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    chart: { repo: 'oci://ghcr.io/falcosecurity/charts', name: 'falco', version: '9.1.0' },
  },
  render({ options: o }) {
    const small = { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } };
    const values = {
      driver: { kind: 'modern_ebpf' },
      tty: true,
      falco: { json_output: true, log_stderr: true },
      resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } },
      falcoctl: { artifact: { install: { resources: small }, follow: { resources: small } } },
      // an exporter's Service and the falcosidekick UI are separate concerns; off here
      falcosidekick: { enabled: false },
    };
    return [{
      name: 'falco',
      dir: 'app',
      files: [
        { file: 'ocirepository.yaml', objects: [chartSource('falco', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'falco', namespace: NS, chart: o.chart, values })] },
        { file: 'networkpolicy.yaml', objects: [allowEgress('allow-falcoctl-registry', NS, { 'app.kubernetes.io/name': 'falco' }, [internet()], [{ port: 443 }])] },
      ],
    }];
  },
});
