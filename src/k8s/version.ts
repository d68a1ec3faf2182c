/** The Kubernetes version checks and renders target when nothing (flag, .slipway.yaml, Talos config) says. */
export const DEFAULT_KUBE_VERSION = '1.31';
