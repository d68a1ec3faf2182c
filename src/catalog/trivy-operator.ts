// Trivy Operator: continuous image vulnerability, configuration-audit, exposed-secret and RBAC
// scanning of what runs in the cluster (seed 000/004), with the results as
// aquasecurity.github.io report CRs next to the workloads they describe. Scans run as Jobs in the
// operator's namespace, with the built-in Trivy client (no separate Trivy server).
//
// One unit; the chart installs the report CRDs (installsCrds) and nothing in the catalog writes
// those CRs. Namespace `privileged`: the node-collector Jobs of the infra assessment mount host
// paths (kubelet and etcd configuration), which baseline forbids. Policy under the baseline: the
// operator and its scan Jobs reach container registries and the Trivy vulnerability database
// (ghcr.io, mirror.gcr.io) over https.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowEgress, internet } from '../k8s/network-policy.js';
import { defineModule } from '../model/module.js';

const NS = 'trivy-system';

const REPORT_KINDS = [
  'ClusterComplianceReport', 'ClusterConfigAuditReport', 'ClusterInfraAssessmentReport', 'ClusterRbacAssessmentReport',
  'ClusterSbomReport', 'ClusterVulnerabilityReport', 'ConfigAuditReport', 'ExposedSecretReport', 'InfraAssessmentReport',
  'RbacAssessmentReport', 'SbomReport', 'VulnerabilityReport',
];

export const trivyOperator = defineModule({
  name: 'trivy-operator',
  description: 'Trivy Operator: vulnerability, config-audit, secret and RBAC reports as CRs',
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    chart: { repo: 'https://aquasecurity.github.io/helm-charts/', name: 'trivy-operator', version: '0.30.0' },
    /** Report only vulnerabilities that have a fix. */
    ignoreUnfixed: true,
    /** Scan Jobs running at the same time (each pulls an image and the vulnerability DB). */
    concurrentScanJobs: 3,
  },
  render({ options: o }) {
    const values = {
      operator: { scanJobsConcurrentLimit: o.concurrentScanJobs },
      trivy: {
        ignoreUnfixed: o.ignoreUnfixed,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } },
      },
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      serviceMonitor: { enabled: false },
    };
    return [{
      name: 'trivy-operator',
      dir: 'app',
      installsCrds: REPORT_KINDS.map((k) => `aquasecurity.github.io/${k}`),
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource('aquasecurity', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'trivy-operator', namespace: NS, chart: o.chart, values, sourceName: 'aquasecurity' })] },
        { file: 'networkpolicy.yaml', objects: [allowEgress('allow-registries', NS, {}, [internet()], [{ port: 443 }])] },
      ],
    }];
  },
});
