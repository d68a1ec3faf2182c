// Every rule, in the order of DESIGN §3. Adding a rule: a file in this folder, a line here.
import type { Rule } from '../rule.js';
import { applicationSetNotExpanded, applicationSourceMissing, syncWaveOrderRule } from './argocd.js';
import { bootstrapPathMissing } from './bootstrap-paths.js';
import { deprecatedApi } from './deprecated-api.js';
import { clusterIdentity, networkOverlap } from './fleet.js';
import { dependencyCycle, dependencyMissing, dependencyUnknown, orderingDeadlock } from './flux-ordering.js';
import { kustomizeBuild, pathMissing, sourceMissing, substitutionUnresolved } from './flux-references.js';
import { helmReleaseRemediation, kustomizationSettings } from './flux-settings.js';
import { tenantIsolation } from './tenancy.js';
import { duplicateRoute } from './gateway.js';
import { helmNotVerified, helmRender, helmValuesSchema } from './helm.js';
import { helmWaitNeverReady } from './helm-wait.js';
import { networkDefaultDeny } from './network.js';
import { networkEgressEssentials } from './network-egress.js';
import { ownershipConflict } from './ownership.js';
import { referenceMissing } from './references.js';
import { podSecurityBaseline, podSecurityRestricted } from './pod-security.js';
import { schemaInvalid, schemaMissing } from './schema.js';
import { secretsPlaintext } from './secrets.js';
import { workloadImageTag, workloadResources } from './workload.js';
import { yamlDuplicateKey, yamlParse } from './yaml.js';

export const RULES: readonly Rule[] = [
  yamlParse,
  yamlDuplicateKey,
  kustomizeBuild,
  schemaInvalid,
  schemaMissing,
  deprecatedApi,
  dependencyMissing,
  orderingDeadlock,
  dependencyCycle,
  dependencyUnknown,
  syncWaveOrderRule,
  ownershipConflict,
  sourceMissing,
  pathMissing,
  applicationSourceMissing,
  applicationSetNotExpanded,
  bootstrapPathMissing,
  substitutionUnresolved,
  referenceMissing,
  kustomizationSettings,
  tenantIsolation,
  helmReleaseRemediation,
  helmValuesSchema,
  helmRender,
  helmNotVerified,
  helmWaitNeverReady,
  secretsPlaintext,
  podSecurityBaseline,
  podSecurityRestricted,
  workloadResources,
  workloadImageTag,
  networkDefaultDeny,
  networkEgressEssentials,
  networkOverlap,
  clusterIdentity,
  duplicateRoute,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));
