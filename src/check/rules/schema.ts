// Schema rules: every document Flux applies, validated in strict mode against the schema of
// its apiVersion/kind — unknown fields are errors, as they are typos the API server would
// drop silently (or reject, with server-side apply).
import type { AppliedResource, FluxCluster, SourcePosition } from '../../repo/flux/index.js';
import type { CheckContext } from '../context.js';
import type { Rule, RuleFinding } from '../rule.js';
import { removedAt } from './deprecated-api.js';
import { platformServing } from '../../k8s/facts.js';
import { parseApiVersion } from '../../schema/index.js';

/** The value at a JSON pointer. */
function valueAt(object: unknown, pointer: string): unknown {
  let node: any = object;
  for (const raw of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/**
 * A violation caused by a postBuild variable whose value exists only in the cluster (a SOPS
 * Secret, a cluster ConfigMap): the loader puts a placeholder there, which no pattern matches.
 */
const UNKNOWN_VALUE = /\.\.UNKNOWN_[A-Za-z0-9_]*\.\./;
function fromUnknownVariable(object: unknown, pointer: string): boolean {
  const v = valueAt(object, pointer);
  // ${VAR} left in place: substituted by something the loader does not model (e.g. a mutating
  // webhook that adds postBuild to every Kustomization); flux/substitution-unresolved owns it
  return typeof v === 'string' && (UNKNOWN_VALUE.test(v) || /\$\{[_a-zA-Z][_a-zA-Z0-9]*(:?[-=][^}]*)?\}/.test(v));
}

/**
 * Values newer Flux versions accept that older published schemas reject: Flux 2.7 added
 * ExternalArtifact as a Kustomization sourceRef and HelmRelease chartRef kind.
 */
function newerFluxValue(apiVersion: string, pointer: string, object: unknown, keyword: string): boolean {
  if (keyword !== 'enum' || !/^(kustomize|helm)\.toolkit\.fluxcd\.io\//.test(apiVersion)) return false;
  return /\/(sourceRef|chartRef)\/kind$/.test(pointer) && valueAt(object, pointer) === 'ExternalArtifact';
}

/**
 * Whether the CRD of `group/kind` in this cluster comes from a chart that installs kinds of that
 * group the given schemas do not know (a fork or a newer release, e.g. VolSync's Kopia fork adds
 * KopiaMaintenance and spec.kopia): then a catalog schema is not the CRD the cluster has, and
 * its unknown-field verdicts are not trustworthy.
 */
const COMMON_VERSIONS = ['v1', 'v2', 'v1beta1', 'v1beta2', 'v1alpha1', 'v1alpha2', 'v2alpha1', 'v2beta1', 'v3'];

function crdFromDifferentRelease(ctx: CheckContext, cluster: FluxCluster, apiVersion: string, kind: string): string | undefined {
  const group = apiVersion.slice(0, apiVersion.indexOf('/'));
  for (const hr of cluster.helmReleases) {
    const answer = ctx.charts.of(hr);
    if (!answer.crds.includes(`${group}/${kind}`)) continue;
    const unknown = answer.crds.filter((c) => c.startsWith(`${group}/`)).map((c) => c.slice(group.length + 1))
      .filter((k) => [apiVersion, ...COMMON_VERSIONS.map((v) => `${group}/${v}`)]
        .every((av) => !ctx.schemas.lookup(parseApiVersion(av, k)))); // lookup, not validate: nothing is compiled to learn that
    if (unknown.length) return `${answer.chart} (installs ${unknown.join(', ')}, which the schemas lack)`;
  }
  return undefined;
}

/** SOPS-encrypted documents are validated after decryption, which only the cluster can do. */
const isSops = (o: Record<string, unknown>) => typeof o.sops === 'object' && o.sops !== null;

export const schemaInvalid: Rule = {
  id: 'schema/invalid',
  severity: 'error',
  doc: {
    summary: 'a document that fails the schema of its apiVersion/kind',
    why: 'the API server rejects it (or drops the unknown field without a word), so what runs is not what Git says. ' +
      'Not reported: values that come from postBuild variables known only in the cluster (SOPS Secrets), and ExternalArtifact ' +
      'source kinds older Flux schemas lack. Unknown fields judged by a --schemas catalog against a CRD that the cluster gets ' +
      'from a fork or newer chart (one that installs kinds the catalog lacks) are reported as info; other unknown fields judged only by a catalog schema ' +
      '(no CRD in the repository or a rendered chart) are warnings, since the catalog\'s CRD version cannot be matched to the deployed one.',
    fix: 'fix the field the message names; `kubectl explain <kind>.<field>` shows what is allowed.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const { cluster, resource } of ctx.appliedOnce()) {
      if (isSops(resource.object)) continue;
      const result = ctx.schemas.validate(resource.object);
      if (result.status !== 'invalid') continue;
      const errors = result.errors.filter((v) => !fromUnknownVariable(resource.object, v.path) &&
        !newerFluxValue(resource.id.apiVersion, v.path, resource.object, v.keyword));
      if (!errors.length) continue;
      // a catalog schema for a CRD the cluster gets from a fork or newer chart: say so, at info
      const different = result.schema.source === 'directory' && errors.every((v) => v.keyword === 'additionalProperties')
        ? crdFromDifferentRelease(ctx, cluster, resource.id.apiVersion, resource.id.kind) : undefined;
      // one finding per violation, at its own line; capped so one broken document cannot flood the report
      // a CRD schema from a catalog has no version to match against the chart that installs the
      // CRD: a field the deployed CRD has but a stale catalog lacks is not proof of a typo
      const catalogOnly = result.schema.source === 'directory' && !result.schema.kubeVersion;
      for (const v of errors.slice(0, 10)) {
        const at = ctx.locator.locate(resource.origin, v.path);
        const unverifiable = catalogOnly && v.keyword === 'additionalProperties' && !different;
        out.push({
          ...(different ? { severity: 'info' as const } : unverifiable ? { severity: 'warning' as const } : {}),
          message: `${resource.id.kind} ${resource.id.namespace ? `${resource.id.namespace}/` : ''}${resource.id.name}: ${v.text}` +
            (different ? ` (per ${result.schema.location}; but the CRD comes from chart ${different}, so this schema may not match it)` : '') +
            (unverifiable ? ` (judged only by the catalog schema ${result.schema.location}, whose version cannot be matched to the CRD the cluster runs; commit the CRD, or let its chart render, to judge it exactly)` : ''),
          file: resource.origin?.file, ...at, cluster: cluster.name, resource: resource.id,
        });
      }
    }
    return out;
  },
};

export const schemaMissing: Rule = {
  id: 'schema/missing',
  severity: 'warning',
  doc: {
    summary: 'no schema known for an apiVersion/kind',
    why: 'the document cannot be checked: a typo in it reaches the cluster. One finding per cluster and type, at its first document, saying how many documents share it. ' +
      'Types a platform serves itself (talos.dev, from Talos) are info: nothing in the repository is missing.',
    fix: 'pass --schemas DIR with a CRDs-catalog or kubeconform-style folder that has it, or commit the CRD to the repository. (APIs removed at the target version are left to k8s/deprecated-api.)',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    const missing = new Map<string, string | undefined>(); // apiVersion/kind → why no schema (undefined: there is one)
    for (const cluster of ctx.repo.clusters) {
      const types = new Map<string, { first: AppliedResource; documents: number; reason: string }>();
      const seen = new Set<string>();
      for (const ks of cluster.kustomizations) {
        for (const resource of ks.resources) {
          const { apiVersion, kind } = resource.id;
          const o = resource.origin;
          const doc = `${o ? `${o.file}:${o.line}` : ks.key}|${apiVersion}|${kind}|${resource.id.namespace ?? ''}|${resource.id.name}`;
          if (seen.has(doc)) continue;
          seen.add(doc);
          const key = `${apiVersion}/${kind}`;
          if (!missing.has(key)) {
            // an API the target version removed has no schema there; k8s/deprecated-api says what to use
            const result = removedAt(apiVersion, kind, ctx.kubeVersion) ? undefined : ctx.schemas.validate(resource.object);
            missing.set(key, result?.status === 'missing' ? result.reason : undefined);
          }
          const reason = missing.get(key);
          if (reason === undefined) continue;
          const type = types.get(key);
          if (!type) types.set(key, { first: resource, documents: 1, reason });
          else {
            type.documents++;
            if (before(resource.origin, type.first.origin)) type.first = resource;
          }
        }
      }
      for (const { first, documents, reason } of [...types.values()].sort((a, b) => (before(a.first.origin, b.first.origin) ? -1 : 1))) {
        const { apiVersion, kind } = first.id;
        const platform = platformServing(apiVersion.slice(0, Math.max(0, apiVersion.indexOf('/'))));
        const count = documents === 1 ? 'its 1 document is' : `its ${documents} documents are`;
        out.push({
          ...(platform ? { severity: 'info' as const } : {}),
          message: platform
            ? `${kind} ${apiVersion} is served by ${platform} itself, not by a CRD of this repository; no schema for it (${reason}), so ${count} not validated`
            : `no schema for ${kind} ${apiVersion} (${reason}); ${count} not validated`,
          file: first.origin?.file, line: first.origin?.line, cluster: cluster.name, resource: first.id,
        });
      }
    }
    return out;
  },
};

/** Whether `a` comes before `b` in the repository (file, then line); a position beats none. */
function before(a: SourcePosition | undefined, b: SourcePosition | undefined): boolean {
  if (!a) return false;
  if (!b) return true;
  return a.file < b.file || (a.file === b.file && a.line < b.line);
}
