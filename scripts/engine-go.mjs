// How engine/ is compiled to WebAssembly, shared by scripts/build-engine.mjs and the bench.
//
// Helm's action package reaches terminal and signal code (github.com/moby/term, kubectl's
// resize watcher) that has no GOOS=wasip1 port; the engine never runs it. Go refuses overlays
// inside the module cache, so the build vendors the modules (`go mod vendor`, into the
// git-ignored engine/vendor, from the same go.sum) and overlays the few files listed in
// engine/wasip1/overlay.json with wasip1 versions that say "no terminal".
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `go build` flags (before the output and package) for a wasm build of engineDir; vendors first. */
export function wasmBuildFlags(engineDir, env) {
  const vendor = spawnSync('go', ['mod', 'vendor'], { cwd: engineDir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (vendor.error || vendor.status !== 0) throw new Error(`go mod vendor failed (exit ${vendor.status ?? vendor.error?.message}); see the messages above`);
  const spec = JSON.parse(fs.readFileSync(path.join(engineDir, 'wasip1', 'overlay.json'), 'utf8'));
  const replace = {};
  for (const [target, file] of Object.entries(spec)) {
    if (target.startsWith('_')) continue;
    replace[path.join(engineDir, target)] = file ? path.join(engineDir, file) : '';
  }
  const overlay = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-engine-')), 'overlay.json');
  fs.writeFileSync(overlay, JSON.stringify({ Replace: replace }));
  return ['-mod=vendor', `-overlay=${overlay}`, '-trimpath', '-ldflags=-s -w'];
}

// `node scripts/engine-go.mjs ENGINE_DIR` prints the flags as JSON (for the bench, in TypeScript).
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  process.stdout.write(JSON.stringify(wasmBuildFlags(path.resolve(process.argv[2] ?? 'engine'), process.env)));
}
