// GitHub Actions Runner Controller (the `gha-runner-scale-set` generation): self-hosted
// runners for the fleet's GitHub organisation, authenticated as a GitHub App.
//
// Two units:
// - `actions-runner-controller` (app): the controller chart and its actions.github.com CRDs.
// - `actions-runner-controller-runners` (runners): one runner scale set (an
//   AutoscalingRunnerSet rendered by the chart, hence after the controller) with at least
//   `minRunners` idle runners, and the GitHub App credentials as an ExternalSecret.
//
// Pod Security `baseline`: the listener pods the controller creates carry no seccomp
// profile, which `restricted` rejects. Runners run without privileges (no docker-in-docker).
import { chartSource, externalSecret, helmRelease, SECRET_STORE, fromItem } from '../k8s/builders.js';
import { allowEgress, internet } from '../k8s/network-policy.js';
import { defineModule, ModuleConfigError } from '../model/module.js';

const NS = 'actions-runner-system';
const CONTROLLER = 'gha-runner-scale-set-controller';
const CREDENTIALS = 'github-app-runners';
const CHARTS = 'oci://ghcr.io/actions/actions-runner-controller-charts';

/** `https://github.com/<owner>` from the fleet's Git URL (https or ssh form). */
function githubOwnerUrl(gitUrl: string): string | undefined {
  const m = /github\.com[/:]([^/]+)\//.exec(gitUrl);
  return m ? `https://github.com/${m[1]}` : undefined;
}

export const actionsRunnerController = defineModule({
  name: 'actions-runner-controller',
  description: 'GitHub Actions runner scale sets (ARC)',
  namespace: { name: NS, podSecurity: 'baseline' },
  requires: ['external-secrets'],
  defaults: {
    controllerChart: { repo: CHARTS, name: CONTROLLER, version: '0.13.0' },
    runnerChart: { repo: CHARTS, name: 'gha-runner-scale-set', version: '0.13.0' },
    runnerImage: 'ghcr.io/actions/actions-runner:2.329.0',
    /** Organisation or repository URL the runners register with; from fleet.git.url when empty. */
    githubConfigUrl: '',
    /** Name workflows use in `runs-on`; the cluster name when empty. */
    runnerScaleSetName: '',
    minRunners: 2,
    maxRunners: 6,
    /** 1Password item of the GitHub App (fields `app-id`, `installation-id`, `private-key`). */
    githubAppItem: 'github-app-runners',
  },
  render({ options: o, cluster, fleet }) {
    const githubConfigUrl = o.githubConfigUrl || githubOwnerUrl(fleet.git.url);
    if (!githubConfigUrl) {
      throw new ModuleConfigError(`cluster ${cluster.name}: actions-runner-controller needs githubConfigUrl (fleet.git.url is not on github.com)`);
    }
    const scaleSet = o.runnerScaleSetName || cluster.name;
    const controllerValues = {
      fullnameOverride: CONTROLLER,
      replicaCount: 1,
      podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
    };
    const runnerValues = {
      githubConfigUrl,
      githubConfigSecret: CREDENTIALS,
      runnerScaleSetName: scaleSet,
      minRunners: o.minRunners,
      maxRunners: Math.max(o.maxRunners, o.minRunners),
      controllerServiceAccount: { name: CONTROLLER, namespace: NS },
      template: {
        spec: {
          securityContext: { fsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'runner',
            image: o.runnerImage,
            command: ['/home/runner/run.sh'],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 1001 },
            resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '4Gi' } },
          }],
        },
      },
    };
    return [
      {
        name: 'actions-runner-controller',
        dir: 'app',
        installsCrds: ['AutoscalingListener', 'AutoscalingRunnerSet', 'EphemeralRunner', 'EphemeralRunnerSet']
          .map((k) => `actions.github.com/${k}`),
        files: [
          { file: 'ocirepository.yaml', objects: [chartSource(CONTROLLER, NS, o.controllerChart)] },
          {
            file: 'helmrelease.yaml',
            objects: [helmRelease({ name: 'actions-runner-controller', namespace: NS, chart: o.controllerChart, values: controllerValues, sourceName: CONTROLLER })],
          },
          // controller, listeners and runners all talk to GitHub over HTTPS
          { file: 'networkpolicy.yaml', objects: [allowEgress('allow-github', NS, {}, [internet()], [{ port: 443 }])] },
        ],
      },
      {
        name: 'actions-runner-controller-runners',
        dir: 'runners',
        chartUsesCrds: ['actions.github.com/AutoscalingRunnerSet'],
        files: [
          {
            file: 'externalsecret.yaml',
            objects: [externalSecret(CREDENTIALS, NS, SECRET_STORE, {
              ...fromItem(o.githubAppItem, { github_app_id: 'app-id', github_app_installation_id: 'installation-id', github_app_private_key: 'private-key' }),
            })],
          },
          { file: 'ocirepository.yaml', objects: [chartSource('gha-runner-scale-set', NS, o.runnerChart)] },
          {
            file: 'helmrelease.yaml',
            objects: [helmRelease({ name: scaleSet, namespace: NS, chart: o.runnerChart, values: runnerValues, sourceName: 'gha-runner-scale-set' })],
          },
        ],
      },
    ];
  },
});
