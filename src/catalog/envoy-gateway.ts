// Envoy Gateway: a Gateway API implementation, the alternative to Cilium's built-in one. This
// module provides the controller and the GatewayClass `envoy`
// (controllerName gateway.envoyproxy.io/gatewayclass-controller); Gateways are the platform's to
// write. Envoy Gateway starts one Envoy Deployment and LoadBalancer Service per Gateway, in this
// namespace, at run time (the default EnvoyProxy settings give the proxies 100m/512Mi requests).
//
// CRDs: the Gateway API CRDs come from the `gateway-api` module (required), never from this
// module. The gateway-helm chart of v1.5 ships both the Gateway API CRDs and its own in its
// `crds/` folder, which no value can switch off, so its release skips CRDs (`install.crds`/
// `upgrade.crds: Skip`), and the gateway.envoyproxy.io CRDs come from the upstream
// gateway-crds-helm chart with `crds.gatewayAPI.enabled: false, crds.envoyGateway.enabled: true`
// (the split install upstream documents). Both releases live in one unit; the controller's
// HelmRelease dependsOn the CRD release. v1.5 is the line built against Gateway API v1.3.0,
// the version the gateway-api module pins.
//
// Namespace `baseline`: the chart's own pods meet `restricted`, but the proxy pods are created
// by the controller with settings this repository does not see. Policies under the baseline:
// clients from anywhere to the proxies' listener ports (Envoy Gateway maps a Gateway port below
// 1024 to port+10000 in the pod), the proxies to backends in every namespace (a backend's
// namespace must let them in: `allowFromEnvoyGateway`), the API server to the controller's
// topology-injector webhook (9443, from the node network). Proxies reach the controller's xDS
// port inside the namespace, which the baseline allows.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowIngress, fromAnywhere, fromCidr, fromNamespace, type Port } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule } from '../model/module.js';

const NS = 'envoy-gateway-system';
export const ENVOY_GATEWAY_CLASS = 'envoy';
const CONTROLLER_NAME = 'gateway.envoyproxy.io/gatewayclass-controller';
const PROXY = { 'app.kubernetes.io/managed-by': 'envoy-gateway', 'app.kubernetes.io/component': 'proxy' };

const EG_KINDS = ['Backend', 'BackendTrafficPolicy', 'ClientTrafficPolicy', 'EnvoyExtensionPolicy', 'EnvoyPatchPolicy',
  'EnvoyProxy', 'HTTPRouteFilter', 'SecurityPolicy'];

/** Lets the Envoy proxies of this module reach a backend in `ns` (the backend namespace's side of the path). */
export const allowFromEnvoyGateway = (name: string, ns: string, podLabels: Record<string, string>, ports: Port[]): K8sObject =>
  allowIngress(name, ns, podLabels, [{ ...fromNamespace(NS), podSelector: { matchLabels: PROXY } }], ports);

export const envoyGateway = defineModule({
  name: 'envoy-gateway',
  description: 'Envoy Gateway controller and the GatewayClass envoy (Gateway API CRDs from gateway-api)',
  namespace: { name: NS, podSecurity: 'baseline' },
  requires: ['gateway-api'],
  defaults: {
    chart: { repo: 'oci://docker.io/envoyproxy', name: 'gateway-helm', version: 'v1.5.4' },
    crdsChart: { repo: 'oci://docker.io/envoyproxy', name: 'gateway-crds-helm', version: 'v1.5.4' },
    /** Gateway listener ports clients may reach (as written on the Gateway; mapped to port+10000 below 1024). */
    listenerPorts: [80, 443],
  },
  render({ options: o, cluster }) {
    const crdsRelease = helmRelease({
      name: 'envoy-gateway-crds',
      namespace: NS,
      chart: o.crdsChart,
      values: { crds: { gatewayAPI: { enabled: false }, envoyGateway: { enabled: true } } },
    });
    const controller = helmRelease({
      name: 'envoy-gateway',
      namespace: NS,
      chart: o.chart,
      crds: 'Skip',
      values: {
        deployment: {
          replicas: 2,
          envoyGateway: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
        },
        podDisruptionBudget: { minAvailable: 1 },
        certgen: { job: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } } },
        config: { envoyGateway: { gateway: { controllerName: CONTROLLER_NAME } } },
      },
    });
    // the controller fails to start without its CRDs: Helm installs it after the CRD release is Ready
    (controller.spec as Record<string, unknown>).dependsOn = [{ name: 'envoy-gateway-crds' }];
    const gatewayClass: K8sObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: ENVOY_GATEWAY_CLASS },
      spec: { controllerName: CONTROLLER_NAME },
    };
    const podPorts = o.listenerPorts.map((p) => ({ port: p < 1024 ? p + 10000 : p }));
    const policies: K8sObject[] = [
      allowIngress('allow-gateway-clients', NS, PROXY, [fromCidr('0.0.0.0/0'), fromAnywhere()], podPorts),
      allowIngress('allow-webhook', NS, { 'control-plane': 'envoy-gateway' }, [fromCidr(cluster.network.nodeSubnet)], [{ port: 9443 }]),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-proxy-backends', namespace: NS },
        // backends listen on any port; their own namespaces decide who gets in
        spec: { podSelector: { matchLabels: PROXY }, policyTypes: ['Egress'], egress: [{ to: [fromAnywhere()] }] },
      },
    ];
    return [{
      name: 'envoy-gateway',
      dir: 'app',
      installsCrds: EG_KINDS.map((k) => `gateway.envoyproxy.io/${k}`),
      files: [
        { file: 'ocirepository.yaml', objects: [chartSource('envoy-gateway', NS, o.chart), chartSource('envoy-gateway-crds', NS, o.crdsChart)] },
        { file: 'helmrelease-crds.yaml', objects: [crdsRelease] },
        { file: 'helmrelease.yaml', objects: [controller] },
        { file: 'gatewayclass.yaml', objects: [gatewayClass] },
        { file: 'networkpolicy.yaml', objects: policies },
      ],
    }];
  },
});
