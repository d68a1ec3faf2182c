// Cloudflare Tunnel: cloudflared connects out to Cloudflare and forwards `*.<domain>` to
// the cluster's `external` Gateway, so nothing listens on the public internet.
// Deployed with the bjw-s app-template chart (cloudflared has no official chart).
// One unit: the Deployment and the tunnel token's ExternalSecret.
//
// DNS: external-dns points names routed on `external` at `external.<domain>`; that one
// name is a CNAME to the cluster's own tunnel, which `task bootstrap:tunnel` creates with the
// tunnel (`cloudflared tunnel route dns <cluster>-tunnel external.<domain>`, as in seed 001).
import { chartSource, externalSecret, helmRelease, SECRET_STORE, fromItem } from '../k8s/builders.js';
import { gatewayService, hasGateway } from '../k8s/gateway.js';
import { allowEgress, fromCidr } from '../k8s/network-policy.js';
import { defineModule, ModuleConfigError } from '../model/module.js';

const NS = 'network';
const TOKEN_SECRET = 'cloudflared-tunnel';

export const cloudflared = defineModule({
  name: 'cloudflared',
  description: 'Cloudflare Tunnel to the external Gateway',
  namespace: { name: NS, podSecurity: 'restricted' },
  requires: ['external-secrets'],
  defaults: {
    chart: { repo: 'oci://ghcr.io/bjw-s-labs/helm', name: 'app-template', version: '4.4.0' },
    image: { repository: 'docker.io/cloudflare/cloudflared', tag: '2025.11.1' },
    /**
     * 1Password item of the tunnel (fields `account-tag`, `tunnel-id`, `tunnel-secret`); `{cluster}`
     * is the cluster's name: one tunnel per cluster (`task bootstrap:tunnel` creates it and its DNS record).
     */
    tunnelItem: '{cluster}-tunnel',
    replicas: 2,
  },
  render({ options: o, cluster, domain, has }) {
    if (!hasGateway(cluster)) {
      throw new ModuleConfigError(`cluster ${cluster.name}: cloudflared forwards to the cluster's Gateway; enable cilium with gatewayApi`);
    }
    // with cert-manager the Gateway terminates TLS for *.<domain>; verify it as external.<domain>
    const tls = has('cert-manager');
    const service = tls ? `https://${gatewayService('external')}:443` : `http://${gatewayService('external')}:80`;
    const config = [
      'ingress:',
      `  - hostname: "*.${domain}"`,
      `    service: ${service}`,
      ...(tls ? ['    originRequest:', `      originServerName: external.${domain}`, '      http2Origin: true'] : []),
      '  - service: http_status:404',
      '',
    ].join('\n');
    const probe = {
      enabled: true,
      custom: true,
      spec: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
    };
    const values = {
      controllers: {
        cloudflared: {
          replicas: o.replicas,
          strategy: 'RollingUpdate',
          containers: {
            app: {
              image: o.image,
              args: ['tunnel', '--config', '/etc/cloudflared/config.yaml', 'run'],
              env: { NO_AUTOUPDATE: 'true', TUNNEL_METRICS: '0.0.0.0:8080', TUNNEL_TRANSPORT_PROTOCOL: 'quic' },
              envFrom: [{ secretRef: { name: TOKEN_SECRET } }],
              probes: { liveness: probe, readiness: probe },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
            },
          },
        },
      },
      defaultPodOptions: {
        securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      },
      service: { app: { ports: { http: { port: 8080 } } } },
      configMaps: { config: { data: { 'config.yaml': config } } },
      persistence: {
        config: { type: 'configMap', identifier: 'config', globalMounts: [{ path: '/etc/cloudflared/config.yaml', subPath: 'config.yaml' }] },
      },
    };
    const pods = { 'app.kubernetes.io/instance': 'cloudflared' };
    return [{
      name: 'cloudflared',
      dir: 'app',
      files: [
        {
          file: 'externalsecret.yaml',
          objects: [externalSecret(TOKEN_SECRET, NS, SECRET_STORE, {
            ...fromItem(tunnelItem(o.tunnelItem, cluster.name), { account: 'account-tag', secret: 'tunnel-secret', tunnel: 'tunnel-id' }),
          }, {
            engineVersion: 'v2',
            data: { TUNNEL_TOKEN: '{{ toJson (dict "a" .account "t" .tunnel "s" .secret) | b64enc }}' },
          })],
        },
        { file: 'ocirepository.yaml', objects: [chartSource('cloudflared', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'cloudflared', namespace: NS, chart: o.chart, values })] },
        {
          file: 'networkpolicy.yaml',
          objects: [
            // Cloudflare's edge (QUIC or HTTP/2 on 7844) and the Gateway (its Service address is
            // translated by Cilium, so the peer is not a pod selector)
            allowEgress('allow-cloudflared-tunnel', NS, pods, [fromCidr('0.0.0.0/0')],
              [{ port: 7844, protocol: 'UDP' }, { port: 7844 }, { port: 443 }, { port: 80 }]),
          ],
        },
      ],
    }];
  },
});

/** The 1Password item of a cluster's tunnel; also the tunnel's name. */
export const tunnelItem = (pattern: string, cluster: string) => pattern.replaceAll('{cluster}', cluster);
