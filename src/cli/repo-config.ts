// `.slipway.yaml` for the commands that load a repository without checking it (render, charts):
// read with the checker's rules, its mistakes an exit-2 message with file:line.
import type { SlipwayConfig } from '../check/config.js';
import { UserError } from './errors.js';

export async function readRepoConfig(root: string): Promise<SlipwayConfig> {
  const [{ loadCheckConfig, ConfigFileError }, { RULE_IDS }] = await Promise.all([import('../check/config.js'), import('../check/rules/index.js')]);
  try {
    return loadCheckConfig(root, RULE_IDS);
  } catch (e) {
    if (e instanceof ConfigFileError) throw new UserError(e.message);
    throw e;
  }
}
