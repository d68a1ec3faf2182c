// `--kube-version X.Y`, shared by the commands that target a Kubernetes version.
import { parseKubeVersion } from '../k8s/version.js';
import { UsageError } from './errors.js';

/** The minor version the flag names, or undefined when it is not given; a usage error when it names none. */
export function kubeVersionOption(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const parsed = parseKubeVersion(text);
  if ('error' in parsed) throw new UsageError(`--kube-version: ${parsed.error}`);
  return parsed.version;
}
