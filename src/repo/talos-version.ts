// The Kubernetes version a repository's Talos configuration runs, for what Helm sees as
// `.Capabilities.KubeVersion` when neither --kube-version nor .slipway.yaml says: Talos machine
// configs name the API server image (`registry.k8s.io/kube-apiserver:v1.36.4`), talhelper and
// topf configs a `kubernetesVersion:`. Files of a `talos/` folder only; the newest version wins
// (during an upgrade the control plane runs it first).
import { readFileSync } from 'node:fs';
import { listYamlFiles } from './flux/scan.js';
import { resolveInsideRoot } from './yaml/index.js';

export interface TalosKubeVersion {
  version: string;
  file: string;
  line: number;
}

const PATTERNS = [/kube-apiserver:v?(\d+\.\d+\.\d+)\b/, /^\s*kubernetesVersion:\s*["']?v?(\d+\.\d+\.\d+)\b/];
const MAX_BYTES = 4 << 20;

export function talosKubeVersion(root: string): TalosKubeVersion | undefined {
  const { files, templates } = listYamlFiles(root);
  let best: TalosKubeVersion | undefined;
  for (const file of [...files, ...templates].filter((f) => /(^|\/)talos\//.test(f)).sort()) {
    let text: string;
    try {
      text = readFileSync(resolveInsideRoot(root, file), 'utf8');
    } catch {
      continue;
    }
    if (text.length > MAX_BYTES) continue;
    text.split('\n').forEach((lineText, i) => {
      for (const p of PATTERNS) {
        const m = p.exec(lineText);
        if (m && (!best || newer(m[1], best.version))) best = { version: m[1], file, line: i + 1 };
      }
    });
  }
  return best;
}

function newer(a: string, b: string): boolean {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
}
