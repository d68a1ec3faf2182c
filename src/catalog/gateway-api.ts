// The standard-channel Gateway API CRDs (gateway.networking.k8s.io). Controllers such as
// Cilium implement the API but do not ship its CRDs, and upstream publishes no Helm chart,
// so one unit applies `config/crd/standard` of kubernetes-sigs/gateway-api at a pinned tag
// through a GitRepository and a Flux Kustomization of its own. The unit provides the CRD
// kinds (installsCrds), which orders every Gateway and HTTPRoute after it.
//
// v1.3.0 is the release Cilium 1.18 is built and tested against. Note that the Cilium
// operator only enables its Gateway API support when these CRDs exist at its start: on a
// fresh cluster restart it once after this unit is Ready (or apply the CRDs in the
// bootstrap phase).
import { withComment } from '../k8s/comments.js';
import { defineModule } from '../model/module.js';

const NS = 'kube-system';

export const gatewayApi = defineModule({
  name: 'gateway-api',
  description: 'Gateway API CRDs (standard channel)',
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    version: 'v1.3.0',
  },
  render({ options: o }) {
    const repository = withComment({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'gateway-api', namespace: NS },
      spec: {
        interval: '1h',
        url: 'https://github.com/kubernetes-sigs/gateway-api',
        ref: { tag: o.version },
        // fetch only the CRDs
        ignore: '/*\n!/config/crd/standard/\n',
      },
    }, 'spec.ref.tag', ' renovate: datasource=github-tags depName=kubernetes-sigs/gateway-api');
    const crds = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'gateway-api-crds', namespace: NS },
      spec: {
        interval: '1h',
        path: './config/crd/standard',
        // never delete CRDs: that would delete every Gateway and route with them
        prune: false,
        wait: true,
        timeout: '5m',
        retryInterval: '1m',
        sourceRef: { kind: 'GitRepository', name: 'gateway-api' },
      },
    };
    return [{
      name: 'gateway-api',
      dir: 'crds',
      // phase 0: cilium-operator reads the Gateway API CRDs once, at start, and never retries
      bootstrap: 'crds',
      crdManifest: 'https://github.com/kubernetes-sigs/gateway-api/releases/download/{tag}/standard-install.yaml',
      installsCrds: ['GatewayClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant']
        .map((k) => `gateway.networking.k8s.io/${k}`),
      files: [
        { file: 'gitrepository.yaml', objects: [repository] },
        { file: 'crds.yaml', objects: [crds] },
      ],
    }];
  },
});
