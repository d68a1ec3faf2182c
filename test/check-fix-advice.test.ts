// Fix advice is checked, not just printed: for every flux/dependency-missing and
// flux/ordering-deadlock finding on the corpus, the fix the finding carries is applied to a copy
// of the repository (as a user would edit the Kustomization files) and the copy is checked again.
// The finding must be gone, and no dependsOn cycle or new deadlock may appear. Findings whose
// advice is not an edit of dependsOn/wait/healthChecks (moving resources, installing CRDs at
// bootstrap) cannot be applied mechanically; they are counted and printed.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCheck } from '../src/check/engine.js';
import type { Finding } from '../src/check/finding.js';
import { applyFix } from './helpers/apply-fix.js';
import { sharedDir, sharedSchemas } from './helpers.js';

const corpus = path.join(sharedDir, 'corpus');
const repositories = readdirSync(corpus).filter((d) => statSync(path.join(corpus, d)).isDirectory()).sort();
const ORDERING = new Set(['flux/dependency-missing', 'flux/ordering-deadlock']);
const identity = (f: Finding) => `${f.rule}|${f.cluster}|${f.message}`;

const check = async (root: string) => (await runCheck(root, { render: false, cacheDir: false, schemaDirs: [sharedSchemas] })).findings;

describe('suggested ordering fixes, applied to corpus copies', () => {
  for (const name of repositories) {
    it(`${name}: every applicable fix removes its finding without a cycle`, async () => {
      const before = await check(path.join(corpus, name));
      const ordering = before.filter((f) => ORDERING.has(f.rule) && f.severity !== 'info');
      const applicable = ordering.filter((f) => f.fix && f.fix.type !== 'manual');
      const manual = ordering.filter((f) => !f.fix || f.fix.type === 'manual');
      // every finding carries a fix; manual ones say what to do instead
      assert.deepEqual(ordering.filter((f) => !f.fix).map(identity), [], 'findings without fix advice');
      if (applicable.length === 0) {
        process.stdout.write(`# ${name}: ${ordering.length} ordering findings, ${manual.length} with manual advice\n`);
        return;
      }
      const copy = mkdtempSync(path.join(os.tmpdir(), 'slipway-fix-'));
      try {
        cpSync(path.join(corpus, name), copy, { recursive: true });
        for (const f of applicable) applyFix(copy, f.fix!);
        const after = await check(copy);
        const remaining = new Set(after.map(identity));
        assert.deepEqual(applicable.filter((f) => remaining.has(identity(f))).map(identity), [], 'findings still there after their fix');
        assert.deepEqual(after.filter((f) => f.rule === 'flux/dependency-cycle').map((f) => f.message), [], 'a fix closed a dependsOn cycle');
        const deadlocksBefore = new Set(before.filter((f) => f.rule === 'flux/ordering-deadlock').map(identity));
        assert.deepEqual(after.filter((f) => f.rule === 'flux/ordering-deadlock' && !deadlocksBefore.has(identity(f))).map((f) => f.message), [], 'a fix made a new deadlock');
        process.stdout.write(`# ${name}: ${applicable.length} fixes applied and re-checked; ${manual.length} with manual advice${manual.length ? `: ${manual.map((f) => `${f.file}:${f.line}`).join(', ')}` : ''}\n`);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  }
});
