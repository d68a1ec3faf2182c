// What a failed engine build means for the user: a defect in the repository (error), an input an
// offline build cannot have — a remote base, a Helm chart, a plugin — (not verified), a path
// outside the root (refused, with how to widen the root), or a fault of the engine itself.
import type { EngineFailure } from '../engine/index.js';

export interface BuildFailure {
  message: string;
  /** The input is only out of reach offline (remote base, helmCharts, plugin): not verified. */
  offline: boolean;
  /** The engine itself failed (panic, crash, limit): not the repository's fault. */
  internal: boolean;
}

const OFFLINE: Array<[RegExp, string]> = [
  [/must specify --enable-helm|helmCharts|HelmChartInflationGenerator/i, 'helmCharts need Helm and the network; Slipway does not fetch charts for kustomize'],
  [/no 'git' program on path|exec: "git"|git clone|failed to clone/i, 'a remote base is not fetched (offline)'],
  [/https?:\/\/\S+.*(dial|lookup|network|not (implemented|supported))/i, 'a remote file is not fetched (offline)'],
  [/plugins? (are|is) (not enabled|disabled)|external plugins|unable to load plugin|KRM function|function config/i, 'plugins and KRM functions are not run'],
];

export function describeBuildFailure(error: EngineFailure, context: { root: string; restrictor?: string }): BuildFailure {
  if (error.kind === 'confinement') {
    return { message: `${error.message} (Slipway reads only inside the root ${context.root}; pass --root to widen it)`, offline: false, internal: false };
  }
  if (error.kind !== 'build') return { message: error.message, offline: false, internal: true };
  if (/cannot be absolute/.test(error.message)) {
    return { message: `${error.message} (kustomize takes only relative paths; Slipway reads only inside the root ${context.root}, which --root widens)`, offline: false, internal: false };
  }
  if (/is not in or below/.test(error.message) && context.restrictor !== 'LoadRestrictionsNone') {
    return { message: `${error.message} (kustomize's LoadRestrictionsRootOnly; --load-restrictor LoadRestrictionsNone allows files anywhere inside the root ${context.root})`, offline: false, internal: false };
  }
  // an encrypted or sealed Secret not made yet: a task of the repository makes it from the local vault
  const secret = /accumulating resources from '([^']+\.(sops|sealed)\.ya?ml)'.*no such file or directory/i.exec(error.message);
  if (secret) {
    const how = secret[2].toLowerCase() === 'sops' ? 'encrypt it with SOPS (a Slipway-generated repository: task secrets:encrypt CLUSTER=…)' : 'seal it with kubeseal (a Slipway-generated repository: task secrets:seal CLUSTER=…)';
    return { message: `${secret[1]} does not exist yet; ${how}, then commit it. kustomize: ${error.message}`, offline: false, internal: false };
  }
  for (const [pattern, why] of OFFLINE) {
    if (pattern.test(error.message)) return { message: `${why}: ${error.message}`, offline: true, internal: false };
  }
  return { message: error.message, offline: false, internal: false };
}
