#!/usr/bin/env node
// Builds the engine (engine/, Go) into dist/engine/slipway-engine.wasm: GOOS=wasip1 as a
// reactor (-buildmode=c-shared), so the host calls its exported functions many times.
// Part of `prepare`, so `npm ci` alone readies the CLI. Fails with one line when Go is
// missing or too old.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmBuildFlags } from './engine-go.mjs';

const NEEDED = [1, 26];
const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(top, 'dist', 'engine', 'slipway-engine.wasm');

function fail(message) {
  process.stderr.write(`build-engine: ${message}\n`);
  process.exit(1);
}

const env = { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
const version = spawnSync('go', ['env', 'GOVERSION'], { env, encoding: 'utf8' });
if (version.error || version.status !== 0) fail(`Go ${NEEDED.join('.')} or newer is needed to build the engine, and \`go\` was not found on PATH (https://go.dev/doc/install)`);
const m = /^go(\d+)\.(\d+)/.exec(version.stdout.trim());
if (!m || Number(m[1]) < NEEDED[0] || (Number(m[1]) === NEEDED[0] && Number(m[2]) < NEEDED[1])) {
  fail(`Go ${NEEDED.join('.')} or newer is needed to build the engine; this machine has ${version.stdout.trim() || 'an unknown version'}`);
}

fs.mkdirSync(path.dirname(out), { recursive: true });
const started = Date.now();
let flags;
try {
  flags = wasmBuildFlags(path.join(top, 'engine'), env);
} catch (e) {
  fail(e.message);
}
const build = spawnSync('go', ['build', '-buildmode=c-shared', ...flags, '-o', out, '.'], { cwd: path.join(top, 'engine'), env, stdio: ['ignore', 'inherit', 'inherit'] });
if (build.error || build.status !== 0) fail(`go build failed (exit ${build.status ?? build.error?.message}); see the messages above`);
const size = fs.statSync(out).size;
process.stderr.write(`build-engine: ${path.relative(top, out)} (${(size / 1024 / 1024).toFixed(1)} MiB, ${version.stdout.trim()}, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
