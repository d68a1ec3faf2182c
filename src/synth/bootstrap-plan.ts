// The bootstrap plan of a cluster: the ordered steps from nothing to GitOps in charge, each with
// the check that says it is done (seed 002: "one command": kind → Cluster API → Talos management
// cluster → clusterctl move → Flux). The same steps are printed by `slipway bootstrap plan` and
// written as .taskfiles/plan/Taskfile.yaml, where each step's check is the task's `status`: Task
// skips a step whose check passes, so running the plan again resumes after the last finished step.
//
//   talos  → Talos install, then the GitOps bootstrap
//   kind   → kind create, then the GitOps bootstrap
//   capi, self-hosted → a temporary kind cluster, clusterctl init there, the cluster's own Cluster
//            API objects applied there, wait for the cluster, its CNI and secrets, clusterctl
//            init on it, clusterctl move onto it, Flux, and the kind cluster deleted
//   capi, managed by M → wait until M's GitOps has made the cluster, then the GitOps bootstrap
import { CAPI_NS, clusterApi, clusterApiOptions, clusterctlProviders, managedClusters, type ClusterApiOptions } from '../catalog/cluster-api.js';
import type { CapiProvider } from '../model/types.js';
import { isArgo } from './argocd-layout.js';
import { moduleDir } from './flux-layout.js';
import type { ClusterPlan, FleetPlan } from './plan.js';
import type { FileTree } from './tree.js';
import { secretVault } from './vault.js';
import { toYaml } from './yaml.js';

export interface PlanStep {
  /** Task name within the cluster's plan, e.g. "3-cluster-api-init". */
  id: string;
  title: string;
  /** Shell commands, in order. Each is safe to run again. */
  run: string[];
  /** Succeeds once the step is done; the Taskfile skips the step then. */
  done: string;
  /** What to do when the step fails. */
  resume: string;
}

export class BootstrapPlanError extends Error {}

const kubeconfig = (cluster: string) => `.kube/${cluster}/kubeconfig`;
const kubectl = (cluster: string) => `kubectl --kubeconfig ${kubeconfig(cluster)}`;
const apiReady = (cluster: string) => `${kubectl(cluster)} get --raw /readyz >/dev/null 2>&1`;
const fluxReady = (cluster: string) => `${kubectl(cluster)} -n flux-system get kustomization cluster-apps -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True`;
const argoReady = (cluster: string) => `${kubectl(cluster)} -n argocd get application ${cluster}-root -o jsonpath='{.status.health.status}' 2>/dev/null | grep -qx Healthy`;
const RERUN = 'run the plan again: finished steps are skipped, this one starts over';

export function bootstrapPlan(plan: FleetPlan, clusterName: string): PlanStep[] {
  const cp = plan.clusters.find((c) => c.cluster.name === clusterName);
  if (!cp) throw new BootstrapPlanError(`no cluster named "${clusterName}" in fleet ${plan.fleet.name}; its clusters: ${plan.clusters.map((c) => c.cluster.name).join(', ')}`);
  const p = cp.cluster.provider;
  const steps: Step[] = [];
  const argo = isArgo(plan.fleet, cp);
  const gitops = () => gitopsStep(clusterName, 'cluster', argo);
  if (p.kind === 'talos') {
    steps.push({
      name: 'talos',
      title: 'Talos: machine configs applied, etcd bootstrapped, kubeconfig written',
      run: [`task talos:cluster CLUSTER=${clusterName}`],
      done: apiReady(clusterName),
      resume: `${RERUN}; nodes still in maintenance mode take the insecure apply, configured ones the authenticated one`,
    }, gitops());
  } else if (p.kind === 'kind') {
    steps.push({
      name: 'kind',
      title: 'kind cluster created from kind/<cluster>.yaml, kubeconfig written',
      run: [`task kind:create CLUSTER=${clusterName}`],
      done: apiReady(clusterName),
      resume: `${RERUN}; \`kind delete cluster --name ${clusterName}\` starts from scratch`,
    }, gitops());
  } else {
    steps.push(...(p.managementCluster === clusterName ? selfHosted(plan, cp, p) : managedBy(plan, cp, p)));
  }
  steps.push(...outsideGitOps(plan, cp));
  return steps.map(({ name, ...s }, i) => ({ id: `${i + 1}-${name}`, ...s }));
}

/**
 * Units installed outside GitOps (Unit.installedBy: clusterctl init, release manifests): run once
 * the cluster has its CNI and GitOps, which retries the units that need them until they exist.
 * A self-hosted Cluster API cluster's providers are its own plan's steps already.
 */
function outsideGitOps(plan: FleetPlan, cp: ClusterPlan): Step[] {
  const name = cp.cluster.name;
  const selfHosted = cp.cluster.provider.kind === 'capi' && cp.cluster.provider.managementCluster === name;
  return cp.units.filter((u) => u.unit.installedBy && !(selfHosted && u.module.name === clusterApi.definition.name)).map((u) => {
    const capi = u.module.name === clusterApi.definition.name;
    return {
      name: `install-${u.unit.name}`,
      title: `${u.unit.name}, installed outside GitOps: ${u.unit.installedBy}`,
      run: [capi ? clusterctlInit(plan, name, name) : `KUBECONFIG=${kubeconfig(name)} sh -c '${u.unit.installedBy!.replace(/'/g, `'"'"'`)}'`],
      done: capi
        ? providersInstalled(name)
        // every API group the install brings is served
        : [...new Set((u.unit.installsCrds ?? []).map((k) => k.slice(0, k.lastIndexOf('/'))))].map((g) => `${kubectl(name)} api-resources --api-group=${g} -o name | grep -q .`).join(' && ') || 'false',
      resume: `${RERUN}; the install is a server-side apply of pinned manifests (or clusterctl init), safe to repeat`,
    };
  });
}


/** A step before it is numbered: `name` says what it does in a word or two. */
type Step = Omit<PlanStep, 'id'> & { name: string };

function gitopsStep(cluster: string, tasks: 'cluster' | 'flux', argo: boolean): Step {
  const engine = argo ? 'Argo CD' : 'Flux';
  return {
    name: tasks === 'flux' ? 'gitops-handover' : 'gitops',
    title: `GitOps bootstrap: secrets, CRDs, CNI and ${engine}, then ${engine} reconciles the rest`,
    run: [`task bootstrap:${tasks} CLUSTER=${cluster}`],
    done: argo ? argoReady(cluster) : fluxReady(cluster),
    resume: argo
      ? `${RERUN}; \`kubectl --kubeconfig ${kubeconfig(cluster)} -n argocd get applications\` shows which Application is not Healthy yet`
      : `${RERUN}; \`flux get kustomizations --kubeconfig ${kubeconfig(cluster)}\` shows what Flux still waits for`,
  };
}

function capiOptions(plan: FleetPlan, management: string): { options: ClusterApiOptions; cp: ClusterPlan } {
  const cp = plan.clusters.find((c) => c.cluster.name === management)!;
  return { cp, options: clusterApiOptions(cp.cluster) };
}

/** `clusterctl init` for the providers the management cluster needs, with their credentials from the vault. */
function clusterctlInit(plan: FleetPlan, management: string, target: string): string {
  const { cp, options } = capiOptions(plan, management);
  const managed = managedClusters(plan.fleet, cp.cluster);
  const flags = clusterctlProviders(options, managed).map((pr) => `--${pr.type} ${pr.name}:${pr.version}`).join(' ');
  const vault = secretVault(plan.fleet);
  const proxmox = managed.some((c) => c.provider.infrastructure === 'proxmox');
  const env = [
    // ClusterClass-based clusters need the topology feature
    'CLUSTER_TOPOLOGY=true',
    ...(proxmox ? [
      `PROXMOX_URL="${vault.read(options.proxmoxCredentialsItem, 'url')}"`,
      `PROXMOX_TOKEN="${vault.read(options.proxmoxCredentialsItem, 'token-id')}"`,
      `PROXMOX_SECRET="${vault.read(options.proxmoxCredentialsItem, 'token-secret')}"`,
    ] : []),
  ];
  return `${env.join(' ')} clusterctl init --kubeconfig ${kubeconfig(target)} ${flags} --wait-providers`;
}

const providersInstalled = (cluster: string) => `${kubectl(cluster)} -n capi-system get deployment capi-controller-manager >/dev/null 2>&1`;

function capiObjectDirs(plan: FleetPlan, management: string, cluster: string): string[] {
  const cp = plan.clusters.find((c) => c.cluster.name === management)!;
  return cp.units.filter((u) => u.unit.name === 'capi-shared' || u.unit.name === `capi-${cluster}`)
    .map((u) => `${moduleDir(management, u)}/${u.unit.dir}`);
}

function selfHosted(plan: FleetPlan, cp: ClusterPlan, p: CapiProvider): Step[] {
  const name = cp.cluster.name;
  const boot = `${name}-bootstrap`;
  const argo = isArgo(plan.fleet, cp);
  const vault = secretVault(plan.fleet);
  const { options } = capiOptions(plan, name);
  // the ExternalSecret cannot resolve on the temporary cluster: its Secret comes from the vault
  const credentials = p.infrastructure === 'proxmox'
    ? [`${kubectl(boot)} create namespace ${CAPI_NS} --dry-run=client -o yaml | ${kubectl(boot)} apply --server-side -f -`,
       `${kubectl(boot)} -n ${CAPI_NS} create secret generic proxmox-credentials --from-literal=url="${vault.read(options.proxmoxCredentialsItem, 'url')}" ` +
       `--from-literal=token="${vault.read(options.proxmoxCredentialsItem, 'token-id')}" --from-literal=secret="${vault.read(options.proxmoxCredentialsItem, 'token-secret')}" ` +
       `--dry-run=client -o yaml | ${kubectl(boot)} apply --server-side -f -`]
    : [`${kubectl(boot)} create namespace ${CAPI_NS} --dry-run=client -o yaml | ${kubectl(boot)} apply --server-side -f -`];
  return [
    {
      name: 'bootstrap-cluster',
      title: `Temporary kind cluster ${boot} to run Cluster API until ${name} can`,
      run: [`mkdir -p .kube/${boot}`, `kind get clusters | grep -qx ${boot} || kind create cluster --name ${boot} --kubeconfig ${kubeconfig(boot)}`, `kind export kubeconfig --name ${boot} --kubeconfig ${kubeconfig(boot)}`],
      done: `${apiReady(boot)} || ${apiReady(name)}`,
      resume: `${RERUN}; kind keeps an existing cluster`,
    },
    {
      name: 'capi-init-bootstrap',
      title: `Cluster API providers on ${boot} (clusterctl init, pinned)`,
      run: [clusterctlInit(plan, name, boot)],
      done: `${providersInstalled(boot)} || ${apiReady(name)}`,
      resume: `${RERUN}; \`clusterctl init\` installs only what is missing — check \`kubectl --kubeconfig ${kubeconfig(boot)} get providers -A\``,
    },
    {
      name: 'capi-objects',
      title: `The Cluster API objects of ${name} applied on ${boot}`,
      run: [...credentials, ...capiObjectDirs(plan, name, name).map((dir) =>
        `${kubectl(boot)} kustomize ${dir} | yq 'select(.kind != "ExternalSecret")' | ${kubectl(boot)} apply --server-side -f -`)],
      done: `${kubectl(boot)} -n ${CAPI_NS} get cluster ${name} >/dev/null 2>&1 || ${apiReady(name)}`,
      resume: `${RERUN}; server-side apply is idempotent`,
    },
    {
      name: 'wait-machines',
      title: `Wait until Cluster API reports ${name} provisioned, then write its kubeconfig`,
      run: [
        `${kubectl(boot)} -n ${CAPI_NS} wait cluster/${name} --for=jsonpath='{.status.phase}'=Provisioned --timeout=45m`,
        `mkdir -p .kube/${name}`,
        `clusterctl get kubeconfig ${name} -n ${CAPI_NS} --kubeconfig ${kubeconfig(boot)} > ${kubeconfig(name)}`,
      ],
      done: apiReady(name),
      resume: `${RERUN}; \`clusterctl describe cluster ${name} -n ${CAPI_NS} --kubeconfig ${kubeconfig(boot)}\` shows which machine is stuck`,
    },
    {
      name: 'cni',
      title: `Secrets, CRDs and the CNI on ${name}, before any controller needs the pod network`,
      run: [`task bootstrap:secrets CLUSTER=${name}`, `task bootstrap:crds CLUSTER=${name}`, `task bootstrap:apps CLUSTER=${name}`],
      done: `${kubectl(name)} -n kube-system rollout status daemonset/cilium --timeout=10s >/dev/null 2>&1`,
      resume: RERUN,
    },
    {
      name: 'capi-init',
      title: `Cluster API providers on ${name} (the same pinned versions)`,
      run: [clusterctlInit(plan, name, name)],
      done: providersInstalled(name),
      resume: RERUN,
    },
    {
      name: 'move',
      title: `clusterctl move: ${name} manages itself`,
      run: [`clusterctl move --kubeconfig ${kubeconfig(boot)} --to-kubeconfig ${kubeconfig(name)} --namespace ${CAPI_NS}`],
      done: `${kubectl(name)} -n ${CAPI_NS} get cluster ${name} >/dev/null 2>&1 && ! ${kubectl(boot)} -n ${CAPI_NS} get cluster ${name} >/dev/null 2>&1`,
      resume: `${RERUN}; a move that stopped halfway is resumed by moving again (objects already moved are skipped), check \`clusterctl describe cluster ${name} -n ${CAPI_NS} --kubeconfig ${kubeconfig(name)}\``,
    },
    { ...gitopsStep(name, 'flux', argo), title: `${argo ? 'Argo CD' : 'Flux'} on ${name}: from here GitOps owns everything, its own Cluster objects included` },
    {
      name: 'cleanup',
      title: `Delete the temporary kind cluster ${boot}`,
      run: [`kind delete cluster --name ${boot}`, `rm -rf .kube/${boot}`],
      done: `! kind get clusters 2>/dev/null | grep -qx ${boot}`,
      resume: RERUN,
    },
  ];
}

function managedBy(plan: FleetPlan, cp: ClusterPlan, p: CapiProvider): Step[] {
  const name = cp.cluster.name;
  const m = p.managementCluster;
  const mgmtArgo = isArgo(plan.fleet, plan.clusters.find((c) => c.cluster.name === m)!);
  return [
    {
      name: 'management',
      title: `Management cluster ${m} is up (its own plan: slipway bootstrap plan --cluster ${m})`,
      run: [`task plan:${m}`],
      done: mgmtArgo ? argoReady(m) : fluxReady(m),
      resume: `finish ${m}'s plan first`,
    },
    {
      name: 'wait-cluster',
      title: `Wait until ${m}'s GitOps has made ${name} (unit capi-${name}), then write its kubeconfig`,
      run: [
        mgmtArgo
          ? `${kubectl(m)} -n argocd wait application/capi-${name} --for=jsonpath='{.status.health.status}'=Healthy --timeout=45m`
          : `${kubectl(m)} -n flux-system wait kustomization/capi-${name} --for=condition=Ready --timeout=45m`,
        `mkdir -p .kube/${name}`,
        `clusterctl get kubeconfig ${name} -n ${CAPI_NS} --kubeconfig ${kubeconfig(m)} > ${kubeconfig(name)}`,
      ],
      done: apiReady(name),
      resume: `${RERUN}; \`clusterctl describe cluster ${name} -n ${CAPI_NS} --kubeconfig ${kubeconfig(m)}\` shows which machine is stuck`,
    },
    gitopsStep(name, 'cluster', isArgo(plan.fleet, cp)),
  ];
}

/** .taskfiles/plan/Taskfile.yaml: `task plan:<cluster>` runs the cluster's plan, resuming where it stopped. */
export function writePlanTaskfile(plan: FleetPlan, tree: FileTree): void {
  const tasks: Record<string, unknown> = {};
  for (const cp of plan.clusters) {
    const name = cp.cluster.name;
    const steps = bootstrapPlan(plan, name);
    tasks[name] = {
      desc: `Bootstrap ${name} from nothing to GitOps in charge (${steps.length} steps; a step whose check passes is skipped, so running it again resumes)`,
      cmds: steps.map((s) => ({ task: `${name}:${s.id}` })),
    };
    for (const s of steps) {
      tasks[`${name}:${s.id}`] = {
        desc: `${s.title}. On failure: ${s.resume}`,
        dir: '{{.ROOT_DIR}}',
        status: [s.done],
        cmds: s.run,
      };
    }
  }
  tree.add('.taskfiles/plan/Taskfile.yaml', `# Bootstrap plans: task plan:<cluster> (slipway bootstrap plan --cluster <cluster> prints one). Generated by slipway synth.\n---\n${toYaml({ version: '3', tasks })}`);
}

/** The plan as people read it. */
export function planText(cluster: string, steps: PlanStep[]): string {
  const lines = [`Bootstrap plan of cluster ${cluster} (${steps.length} steps; run it with: task plan:${cluster})`, ''];
  for (const s of steps) {
    lines.push(`${s.id}  ${s.title}`);
    for (const cmd of s.run) lines.push(`    $ ${cmd}`);
    lines.push(`    done when: ${s.done}`, `    on failure: ${s.resume}`, '');
  }
  return lines.join('\n');
}
