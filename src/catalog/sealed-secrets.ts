// The Sealed Secrets controller, for fleets whose secrets.provider is `sealed-secrets` (seed 002):
// `task secrets:seal` seals every Secret the modules need with the cluster's public certificate,
// and this controller unseals them in the cluster. The sealing key is the repository's own
// ("bring your own certificate"): `task secrets:key` makes it in the local vault and the
// bootstrap installs it as the active key before the controller starts, so Secrets can be sealed
// before the cluster exists and the key survives a rebuild. The controller makes no keys of its
// own (keyrenewperiod 0): rotation is the runbook's, written next to the sealed files.
//
// Pod Security `restricted`: the controller runs as non-root with a read-only root filesystem.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowApiServerEgress, allowIngress, fromCidr } from '../k8s/network-policy.js';
import { defineModule, ModuleConfigError } from '../model/module.js';

export const SEALED_SECRETS_NS = 'sealed-secrets';
/** The controller's name, which kubeseal and the key Secret's label refer to. */
export const SEALED_SECRETS_CONTROLLER = 'sealed-secrets-controller';
/** The Secret the bootstrap puts the repository's sealing key in. */
export const SEALING_KEY_SECRET = 'sealing-key';

export const sealedSecrets = defineModule({
  name: 'sealed-secrets',
  description: 'Sealed Secrets controller unsealing the repository\'s SealedSecrets with its own sealing key',
  namespace: { name: SEALED_SECRETS_NS, podSecurity: 'restricted' },
  defaults: {
    chart: { repo: 'https://bitnami-labs.github.io/sealed-secrets', name: 'sealed-secrets', version: '2.17.3' },
  },
  render({ options: o, fleet, cluster }) {
    if (fleet.secrets?.provider !== 'sealed-secrets') {
      throw new ModuleConfigError(`sealed-secrets on cluster "${cluster.name}": fleet.secrets.provider is ${fleet.secrets?.provider ?? 'not set'}; set it to 'sealed-secrets' so the modules' Secrets are sealed for this controller, or remove the module`);
    }
    const values = {
      fullnameOverride: SEALED_SECRETS_CONTROLLER,
      // the sealing key is the repository's, installed by the bootstrap; rotation is a runbook step
      keyrenewperiod: '0',
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    };
    return [{
      name: 'sealed-secrets',
      dir: 'app',
      bootstrap: 'apps',
      installsCrds: ['bitnami.com/SealedSecret'],
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource('sealed-secrets', SEALED_SECRETS_NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'sealed-secrets', namespace: SEALED_SECRETS_NS, chart: o.chart, values })] },
        {
          file: 'networkpolicy.yaml',
          objects: [
            // kubeseal --fetch-cert and --validate reach the controller through the API server proxy
            allowIngress('allow-kubeseal', SEALED_SECRETS_NS, { 'app.kubernetes.io/name': 'sealed-secrets' }, [fromCidr(cluster.network.nodeSubnet)], [{ port: 8080 }]),
            allowApiServerEgress('allow-kube-apiserver-controller', SEALED_SECRETS_NS, {}, cluster.network),
          ],
        },
      ],
    }];
  },
});
