// metrics-server: the resource metrics API (metrics.k8s.io) behind `kubectl top` and the
// HorizontalPodAutoscaler's CPU/memory targets. It reads each kubelet's summary API; on Talos the
// kubelets serve self-signed certificates (no kubelet serving certificates are approved by
// default), so it skips their verification, as the victoria-metrics kubelet scrape does.
//
// One unit in kube-system, no CRDs (an APIService registers the aggregated API). kube-system gets
// no default-deny baseline, so the API server's calls to the aggregated API and metrics-server's
// calls to the kubelets need no policy. Two replicas with a PodDisruptionBudget: the HPA stops
// scaling while the API is unavailable.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { defineModule } from '../model/module.js';

const NS = 'kube-system';

export const metricsServer = defineModule({
  name: 'metrics-server',
  description: 'metrics-server: resource metrics API for kubectl top and HPAs',
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    chart: { repo: 'https://kubernetes-sigs.github.io/metrics-server', name: 'metrics-server', version: '3.14.0' },
    replicas: 2,
  },
  render({ options: o }) {
    const values = {
      replicas: o.replicas,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      args: ['--kubelet-insecure-tls', '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname'],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    };
    return [{
      name: 'metrics-server',
      dir: 'app',
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource('metrics-server', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'metrics-server', namespace: NS, chart: o.chart, values })] },
      ],
    }];
  },
});
