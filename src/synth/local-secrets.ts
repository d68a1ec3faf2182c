// The local secrets providers (sops, sealed-secrets). Modules ask for credentials the one way the
// catalog knows — an ExternalSecret naming 1Password items and fields — and for these providers
// synth turns each request into a Secret that a task builds from the git-ignored local vault
// (`.secrets/<item>/<field>`) and commits encrypted (SOPS, for the fleet's age recipients) or
// sealed (kubeseal, with the cluster's sealing certificate). Synth cannot write those files — it
// has neither the values nor should it — so it writes the list the task works from and a unit,
// `cluster-secrets`, whose kustomization names every file the task makes. Until the task has
// run, Flux (and `slipway check`) fail on exactly the files that are missing.
import { SECRET_STORE } from '../k8s/builders.js';
import type { K8sObject } from '../k8s/object.js';
import type { ModuleDefinition, Unit } from '../model/module.js';
import type { FleetConfig } from '../model/types.js';

/** One key of a Secret and the local-vault file its value comes from. */
export interface SecretKeySource {
  key: string;
  /** `<item>/<field>` under the local vault. */
  source: string;
}

export interface SecretNeed {
  namespace: string;
  name: string;
  keys: SecretKeySource[];
  /** For a templated ExternalSecret: each key's template text, which the local file must hold rendered. */
  templates?: Record<string, string>;
}

export const LOCAL_SECRETS_UNIT = 'cluster-secrets';
/** The Secret in flux-system holding the age key Flux decrypts with. */
export const SOPS_KEY_SECRET = 'sops-age';
/** Where the task reads its work list: namespace, name and key=item/field pairs, one Secret a line. */
export const secretListPath = (cluster: string) => `.taskfiles/secrets/${cluster}.txt`;

/** The synthetic module the `cluster-secrets` unit belongs to, in flux-system like the Kustomizations. */
export const localSecretsModule: ModuleDefinition<object> = {
  name: 'cluster-secrets',
  description: 'Secrets encrypted (SOPS) or sealed (Sealed Secrets) from the local vault by a task',
  namespace: { name: 'flux-system', podSecurity: 'restricted' },
  defaults: {},
  render: () => [],
};

export type LocalProvider = 'sops' | 'sealed-secrets';

export function localProvider(fleet: FleetConfig): LocalProvider | undefined {
  const p = fleet.secrets?.provider;
  return p === 'sops' || p === 'sealed-secrets' ? p : undefined;
}

/** Whether an object is a request for credentials from the fleet's secret store. */
const isStoreRequest = (o: K8sObject) =>
  o.kind === 'ExternalSecret' && (o.spec as { secretStoreRef?: { name?: string } } | undefined)?.secretStoreRef?.name === SECRET_STORE;

/** The unit without its credential requests, and what they asked for. */
export function takeSecretNeeds(unit: Unit): { unit: Unit; needs: SecretNeed[] } {
  const needs: SecretNeed[] = [];
  const files = unit.files.map((f) => ({ ...f, objects: f.objects.filter((o) => !isStoreRequest(o) || (needs.push(needOf(o)), false)) }))
    .filter((f) => f.objects.length);
  return { unit: { ...unit, files }, needs };
}

function needOf(o: K8sObject): SecretNeed {
  const spec = o.spec as { target?: { name?: string; template?: { data?: Record<string, string> } }; data?: Array<{ secretKey: string; remoteRef: { key: string; property: string } }> };
  const namespace = o.metadata.namespace!;
  const name = spec.target?.name ?? o.metadata.name;
  const templates = spec.target?.template?.data;
  if (templates) {
    // a rendered file per templated key, under an item named after the Secret
    return { namespace, name, keys: Object.keys(templates).sort().map((key) => ({ key, source: `${namespace}-${name}/${key}` })), templates };
  }
  return { namespace, name, keys: (spec.data ?? []).map((d) => ({ key: d.secretKey, source: `${d.remoteRef.key}/${d.remoteRef.property}` })) };
}

/** File of a Secret inside the unit folder. */
const secretFile = (provider: LocalProvider, n: SecretNeed) => `${n.namespace}/${n.name}.${provider === 'sops' ? 'sops' : 'sealed'}.yaml`;

/** The `cluster-secrets` unit for a cluster's needs. */
export function localSecretsUnit(provider: LocalProvider, cluster: string, needs: SecretNeed[]): Unit {
  const sorted = [...needs].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const task = provider === 'sops' ? 'secrets:encrypt' : 'secrets:seal';
  return {
    name: LOCAL_SECRETS_UNIT,
    dir: 'secrets',
    files: [],
    // SealedSecrets are custom resources of the controller's CRD
    ...(provider === 'sealed-secrets' ? { chartUsesCrds: ['bitnami.com/SealedSecret'] } : {}),
    decryptsSops: provider === 'sops',
    madeByTask: {
      task,
      files: sorted.map((n) => secretFile(provider, n)),
      providesSecrets: sorted.map((n) => `${n.namespace}/${n.name}`),
      readme: readme(provider, cluster, task, sorted),
    },
  };
}

/** The task's work list: `namespace name key=item/field,…` per Secret. */
export function secretList(needs: SecretNeed[]): string {
  const sorted = [...needs].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return `# namespace name key=<item>/<field> under .secrets/ … Generated by slipway synth.\n` +
    sorted.map((n) => `${n.namespace} ${n.name} ${n.keys.map((k) => `${k.key}=${k.source}`).join(',')}\n`).join('');
}

function readme(provider: LocalProvider, cluster: string, task: string, needs: SecretNeed[]): string {
  const how = provider === 'sops'
    ? 'SOPS-encrypted for the age recipients in `.sops.yaml`; Flux decrypts them with the `sops-age` Secret'
    : 'sealed with the cluster\'s Sealed Secrets certificate; the controller unseals them';
  const lines = [
    `# Secrets of cluster ${cluster}`,
    '',
    `Generated by slipway synth. The files listed in \`kustomization.yaml\` are made by \`task ${task} CLUSTER=${cluster}\`, ${how}.`,
    'Each value comes from one file of the git-ignored local vault, `.secrets/<item>/<field>`; nothing here is plaintext.',
    '',
    '| Secret | key | local file |',
    '|---|---|---|',
    ...needs.flatMap((n) => n.keys.map((k) => `| \`${n.namespace}/${n.name}\` | \`${k.key}\` | \`.secrets/${k.source}\` |`)),
    '',
  ];
  lines.push(...(provider === 'sops' ? [
    '## Rotating',
    '',
    '- A value: change its file under `.secrets/`, run the task again (only Secrets whose sources changed are rewritten), commit.',
    '- A recipient: change `fleet.secrets.ageRecipients` in slipway.config.ts, synth, then `sops updatekeys` each file here and commit;',
    '  a new cluster key also goes into `.secrets/sops/age.agekey` and `task bootstrap:secrets`.',
    '',
  ] : [
    '## Rotating the sealing key (runbook)',
    '',
    `1. \`task secrets:rotate-key CLUSTER=${cluster}\` keeps the old key pair under \`.secrets/sealed-secrets/${cluster}/retired/\` and makes a new one.`,
    `2. \`task bootstrap:secrets CLUSTER=${cluster}\` adds the new key as a Secret labelled active; the old key Secrets stay, so everything sealed before still unseals.`,
    '3. Restart the controller so it seals with the newest key: `kubectl -n sealed-secrets rollout restart deployment/sealed-secrets-controller`.',
    `4. \`task secrets:seal CLUSTER=${cluster} FORCE=1\` reseals every Secret with the new certificate; commit and let Flux apply it.`,
    '5. Check that every SealedSecret is Synced (`kubectl get sealedsecrets -A`), then delete the old key Secret (`kubectl -n sealed-secrets get secrets -l sealedsecrets.bitnami.com/sealed-secrets-key`).',
    '',
    'Rotating the key does not rotate the values: a leaked value is changed at its source, in `.secrets/`, and resealed.',
    '',
  ]));
  const templated = needs.filter((n) => n.templates);
  if (templated.length) {
    lines.push('Some values are whole files, rendered from these templates (fill in the `{{ … }}` parts):', '');
    for (const n of templated) {
      for (const [key, text] of Object.entries(n.templates!).sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`\`.secrets/${n.namespace}-${n.name}/${key}\`:`, '', '```', text.trimEnd(), '```', '');
      }
    }
  }
  return lines.join('\n');
}

/**
 * `.sops.yaml`: what `sops` encrypts, for whom. Only data and stringData are encrypted, so names,
 * namespaces and kinds stay readable to reviewers, Flux and `slipway check`.
 */
export function sopsConfig(recipients: string[]): string {
  return '# Generated by slipway synth from fleet.secrets.ageRecipients.\n' +
    'creation_rules:\n' +
    '  - path_regex: kubernetes/.*\\.sops\\.ya?ml$\n' +
    "    encrypted_regex: ^(data|stringData)$\n" +
    `    age: ${[...recipients].join(',')}\n`;
}
