// The offline fixtures a repository can give in `.slipway.yaml` at its root, for what only exists
// in the cluster or outside the repository:
//
//   substitutions:            # postBuild variables per cluster ("*": every cluster)
//     infra: { CLUSTER_DOMAIN: example.org }
//   sources:                  # a remote source whose content is checked out in a local folder
//     OCIRepository/flux-system/cluster: tests/testdata/cluster3
//   assume:                   # objects that exist in every cluster without being in Git (made by
//     - apiVersion: v1        # hand, by a bootstrap script or by an operator), with values to use
//       kind: Secret          # offline — e.g. what a HelmRelease's valuesFrom reads
//       metadata: { name: app-values, namespace: default }
//       stringData: { values.yaml: "replicaCount: 2" }
//
// Other keys of .slipway.yaml (rules, exemptions) belong to the checker and are ignored here.
import { readYamlFile } from '../yaml/reader.js';
import type { FluxProblem, SourcePosition } from './model.js';
import type { YamlMap } from '../yaml/values.js';
import { isMap, str } from './yaml-util.js';
import { statInside } from './sources.js';

export interface OfflineConfig {
  substitutions: Record<string, Record<string, string>>;
  sources: Record<string, string>;
  /** `assume:` objects, with where each is written. */
  assume: Array<{ object: YamlMap; origin: SourcePosition }>;
  problems: FluxProblem[];
}

export const CONFIG_FILE = '.slipway.yaml';

export function readOfflineConfig(repoRoot: string): OfflineConfig {
  const config: OfflineConfig = { substitutions: {}, sources: {}, assume: [], problems: [] };
  if (!statInside(repoRoot, CONFIG_FILE)?.isFile()) return config;
  const { documents, errors } = readYamlFile(repoRoot, CONFIG_FILE);
  for (const e of errors) config.problems.push({ code: 'yaml', message: `${e.rule}: ${e.message}`, file: e.file, line: e.line });
  const doc = documents[0]?.value;
  if (!isMap(doc)) return config;
  if (isMap(doc.substitutions)) {
    for (const [cluster, vars] of Object.entries(doc.substitutions)) {
      if (!isMap(vars)) continue;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(vars)) out[k] = v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      config.substitutions[cluster] = out;
    }
  }
  if (isMap(doc.sources)) {
    for (const [k, v] of Object.entries(doc.sources)) if (str(v) !== undefined) config.sources[k] = str(v)!;
  }
  if (Array.isArray(doc.assume)) {
    const line = documents[0]?.line ?? 1;
    doc.assume.forEach((o, i) => {
      const meta = isMap(o) && isMap(o.metadata) ? o.metadata : undefined;
      if (!isMap(o) || !str(o.kind) || !str(o.apiVersion) || !meta || !str(meta.name)) {
        config.problems.push({ code: 'yaml', message: `${CONFIG_FILE}: assume[${i}] must be a Kubernetes object with apiVersion, kind and metadata.name`, file: CONFIG_FILE, line });
        return;
      }
      config.assume.push({ object: o, origin: { file: CONFIG_FILE, line } });
    });
  }
  return config;
}

/** Fixture variables for one cluster: the "*" entry, overridden by the cluster's own. */
export function substitutionsFor(config: Record<string, Record<string, string>>, cluster: string): Record<string, string> {
  return { ...(config['*'] ?? {}), ...(config[cluster] ?? {}) };
}
