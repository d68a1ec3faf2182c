// Kubernetes versions as Slipway targets them: a minor version "1.Y".

/** The Kubernetes version checks and renders target when nothing (flag, .slipway.yaml, Talos config) says. */
export const DEFAULT_KUBE_VERSION = '1.31';

/**
 * The range of minors whose API removals and introductions Slipway's tables know. Older clusters
 * predate the v1 APIs the tables start from; a minor beyond the newest is a typo (1.99) or a
 * release this Slipway cannot know about, and checking against it would silently pass.
 */
export const OLDEST_KUBE_MINOR = 16;
export const NEWEST_KUBE_MINOR = 38;

/** "v1.31.2", "1.31" → "1.31"; an explanation when it is no version Slipway can target. */
export function parseKubeVersion(text: string): { version: string } | { error: string } {
  const m = /^v?1\.(\d+)(\.\d+)?$/.exec(text.trim());
  if (!m) return { error: `"${text}" is not a Kubernetes version like 1.31` };
  const minor = Number(m[1]);
  if (minor < OLDEST_KUBE_MINOR || minor > NEWEST_KUBE_MINOR) {
    return { error: `Kubernetes ${text} is outside the versions Slipway knows (1.${OLDEST_KUBE_MINOR}–1.${NEWEST_KUBE_MINOR})` };
  }
  return { version: `1.${minor}` };
}
