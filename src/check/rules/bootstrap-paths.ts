// bootstrap/path-missing: a Helmfile hook applies a path that is not in the repository.
// Helmfile runs hooks with the helmfile's folder as working directory (pkg/event/bus.go:
// ShellRunner{Dir: BasePath}), so a relative path in `kubectl apply -f/-k`, `kustomize build … |
// kubectl apply -f -` or `kubectlApply:` is resolved against that folder, as Helmfile would.
// Paths that cannot be known offline (environment variables, command output, absolute paths)
// are not judged, nor are commands of task runners and scripts (where those run is not certain).
import { listYamlFiles } from '../../repo/flux/scan.js';
import { closestName } from '../references/suggest.js';
import { bootstrapCommands, kustomizationFileOf, resolveCommandPath } from '../../repo/bootstrap/commands.js';
import { visible } from '../../repo/bootstrap/shell.js';
import type { Rule, RuleFinding } from '../rule.js';

export const bootstrapPathMissing: Rule = {
  id: 'bootstrap/path-missing',
  severity: 'error',
  doc: {
    summary: 'a Helmfile hook applies a path (kubectl apply -f/-k, kustomize build … | kubectl apply) that is not in the repository',
    why: 'Helmfile runs the hook in the helmfile\'s folder; kubectl fails on the missing path, the hook fails the release, and what it was to install before Flux starts is never there.',
    fix: 'fix the path — it is relative to the helmfile\'s folder, not to the repository root or where helmfile is started — or add the file or folder (with a kustomization.yaml for -k).',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    let known: { dirs: string[]; kustomizations: string[]; files: string[] } | undefined;
    const existing = () => {
      if (!known) {
        const { files } = listYamlFiles(ctx.root);
        const dirs = new Set<string>();
        for (const f of files) for (let d = f; d.includes('/'); ) dirs.add((d = d.slice(0, d.lastIndexOf('/'))));
        known = {
          dirs: [...dirs],
          kustomizations: files.filter((f) => /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(f)).map((f) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '')).filter(Boolean),
          files,
        };
      }
      return known;
    };
    for (const c of bootstrapCommands(ctx.root)) {
      const t = c.target;
      if (!c.hook || (t.kind !== 'files' && t.kind !== 'kustomization')) continue;
      const r = resolveCommandPath(ctx.root, c, t.path.text);
      if (!r || r.guessed) continue;
      const asDir = t.kind === 'kustomization';
      let problem: string | undefined;
      if (!r.exists) problem = `'${r.rel}' does not exist`;
      else if (asDir && !r.isDir) problem = `'${r.rel}' is a file, and -k / kustomize build need a folder with a kustomization.yaml`;
      else if (asDir && !kustomizationFileOf(ctx.root, r.rel)) problem = `'${r.rel || '.'}/' has no kustomization.yaml, which -k / kustomize build need (kubectl apply -f applies a folder's files)`;
      if (!problem) continue;
      const key = `${c.file}:${c.line}:${r.rel}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const k = existing();
      const candidates = asDir ? k.kustomizations : [...k.files, ...k.dirs];
      const near = closestName(r.rel, candidates.filter((p) => p !== r.rel));
      const written = visible(t.path.text);
      out.push({
        message: `\`${c.command}\` in ${c.context}: ${problem}` +
          ` (${written} is relative to ${r.cwd ? `${r.cwd}/` : 'the repository root'}, the helmfile's folder, where Helmfile runs its hooks)` +
          (near ? `; did you mean ${near}${asDir ? '/' : ''}?` : ''),
        file: c.file,
        line: c.line,
      });
    }
    return out.sort((a, b) => (a.file! < b.file! ? -1 : a.file! > b.file! ? 1 : a.line! - b.line!));
  },
};
