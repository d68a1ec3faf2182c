// Argo CD, the delivery engine of clusters with `gitops: 'argocd'` (seed 000's primary), installed
// by the bootstrap Helmfile and then managed by itself (its own Application, like every unit).
//
// App of apps: synth writes the root Application (clusters/<cluster>/argocd/root.yaml) and one
// child Application per unit, in the sync wave the dependency graph gives it. Argo CD only waits
// for a child Application between waves when it can judge an Application's health, which it
// stopped doing by default in 1.8: the health check below gives that judgement back (an
// Application is healthy when it is synced and its resources are healthy).
//
// Pod Security `baseline`: the controllers run as non-root, but the chart's redis and dex
// containers are not all declared restricted-compliant.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowEgress, allowIngress, fromAnywhere, internet } from '../k8s/network-policy.js';
import { gitopsOf } from '../k8s/fleet.js';
import { defineModule, ModuleConfigError } from '../model/module.js';

export const ARGOCD_NS = 'argocd';

/** Argo CD's own Lua health check for Applications, so app-of-apps waves wait for their children. */
export const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
  if hs.status == "Healthy" and obj.status.sync ~= nil and obj.status.sync.status ~= "Synced" then
    hs.status = "Progressing"
    hs.message = "waiting for the sync"
  end
end
return hs
`;

export const argocd = defineModule({
  name: 'argocd',
  description: 'Argo CD: Applications per unit (app of apps), sync waves from the dependency graph',
  namespace: { name: ARGOCD_NS, podSecurity: 'baseline' },
  defaults: {
    chart: { repo: 'https://argoproj.github.io/argo-helm', name: 'argo-cd', version: '8.5.0' },
    /** Application controller replicas (sharded by cluster; one cluster here). */
    replicas: 1,
  },
  render({ options: o, fleet, cluster }) {
    if (gitopsOf(fleet, cluster) !== 'argocd') {
      throw new ModuleConfigError(`argocd on cluster "${cluster.name}", whose gitops is flux: set gitops: 'argocd' on the cluster (or the fleet) to deliver it with Argo CD, or remove the module`);
    }
    const small = { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } };
    const values = {
      // the chart's CRDs, kept on uninstall: deleting them would delete every Application
      crds: { install: true, keep: true },
      configs: {
        cm: {
          'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH,
          // Applications are tracked by annotation, so resources copied between namespaces are not adopted
          'application.resourceTrackingMethod': 'annotation',
        },
        params: { 'server.insecure': true },
      },
      controller: { replicas: o.replicas, resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } } },
      repoServer: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
      server: { resources: small },
      applicationSet: { resources: small },
      notifications: { resources: small },
      redis: { resources: small },
      dex: { enabled: false },
    };
    return [{
      name: 'argocd',
      dir: 'app',
      bootstrap: 'apps',
      installsCrds: ['Application', 'ApplicationSet', 'AppProject'].map((k) => `argoproj.io/${k}`),
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource('argo', ARGOCD_NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'argocd', namespace: ARGOCD_NS, chart: o.chart, values, sourceName: 'argo' })] },
        {
          file: 'networkpolicy.yaml',
          objects: [
            // the repo server fetches Git repositories and charts; the controller reaches the API (baseline)
            allowEgress('allow-repositories', ARGOCD_NS, {}, [internet()], [{ port: 443 }, { port: 22 }]),
            // the controller and server talk to the repo server and redis inside the namespace (baseline);
            // the UI and CLI reach the server from anywhere in the cluster
            allowIngress('allow-server', ARGOCD_NS, { 'app.kubernetes.io/name': 'argocd-server' }, [fromAnywhere()], [{ port: 8080 }]),
          ],
        },
      ],
    }];
  },
});
