// The GitHub Actions workflow that blocks bad changes: `slipway check` on every
// pull request, with SARIF uploaded so findings show on the changed lines, and `slipway diff`
// posted as one pull-request comment (updated in place on every push) showing what the change
// does to the rendered resources, with risks called out and secret values masked.
// Only GitHub's own actions are used, by major version; the comment is posted with the GitHub CLI
// that the runner image ships, so no third-party action sees the token.
import type { FleetPlan } from './plan.js';
import type { FileTree } from './tree.js';
import { toYaml } from './yaml.js';

/**
 * Slipway ships schemas for Kubernetes' own kinds; the CRD schemas of the charts come from the
 * community CRDs-catalog, checked out at a pinned commit so CI results do not drift.
 */
export const CRDS_CATALOG = { repository: 'datreeio/CRDs-catalog', ref: '7b1e26ef9deea49293714d204c1a2270aab1178f', path: '.crds-catalog' };

const checkoutCatalog = {
  name: 'CRD schemas for slipway check',
  uses: 'actions/checkout@v4',
  with: { repository: CRDS_CATALOG.repository, ref: CRDS_CATALOG.ref, path: CRDS_CATALOG.path },
};

/**
 * Posts slipway-diff.md as one comment per pull request: the comment carrying the marker is
 * edited on later pushes instead of adding a new one. Shared with docs/ci.md.
 */
export const DIFF_COMMENT_SCRIPT = [
  "marker='<!-- slipway-diff -->'",
  '{ echo "$marker"; cat slipway-diff.md; } > comment.md',
  'id=$(gh api "repos/$GITHUB_REPOSITORY/issues/$PR/comments" --paginate --jq ".[] | select(.body | startswith(\\"$marker\\")) | .id" | tail -n 1)',
  'if [ -n "$id" ]; then',
  '  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F body=@comment.md > /dev/null',
  'else',
  '  gh pr comment "$PR" --body-file comment.md',
  'fi',
].join('\n');

/** The bin of the Slipway the install step put in node_modules: never a registry lookup by name. */
const SLIPWAY = './node_modules/.bin/slipway';

/**
 * Installs Slipway from the named source. A git source runs the package's `prepare` (TypeScript
 * and the engine's WebAssembly build), which needs Go. Without a source the step fails and says
 * what to set, rather than fetching whatever an unclaimed package name holds.
 */
function installSteps(source: string | undefined): object[] {
  if (!source) {
    return [{ name: 'Install Slipway', run: 'echo "::error::set ci.install in slipway.config.ts: where CI installs Slipway from (e.g. git+https://github.com/ORG/slipway.git#COMMIT)"; exit 1' }];
  }
  const git = /^(git\+|git:|github:)|\.git(#|$)/.test(source);
  return [
    ...(git ? [{ uses: 'actions/setup-go@v5', with: { 'go-version': '1.26' } }] : []),
    { name: 'Install Slipway', run: `npm install --no-save --no-audit --no-fund ${shellQuote(source)}` },
  ];
}

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export function writeCi(plan: FleetPlan, tree: FileTree, slipwaySource: string | undefined): void {
  const install = installSteps(slipwaySource);
  const workflow = {
    name: 'slipway',
    on: { pull_request: { branches: [plan.fleet.git.branch ?? 'main'] }, push: { branches: [plan.fleet.git.branch ?? 'main'] } },
    permissions: { contents: 'read', 'security-events': 'write' },
    jobs: {
      check: {
        'runs-on': 'ubuntu-latest',
        steps: [
          { uses: 'actions/checkout@v4' },
          checkoutCatalog,
          { uses: 'actions/setup-node@v4', with: { 'node-version': '20' } },
          ...install,
          { name: 'Check every cluster offline', run: `${SLIPWAY} check . --schemas ${CRDS_CATALOG.path} --format sarif > slipway.sarif || status=$?\n${SLIPWAY} check . --schemas ${CRDS_CATALOG.path}\nexit \${status:-0}` },
          { name: 'Show findings on the pull request', if: 'always()', uses: 'github/codeql-action/upload-sarif@v3', with: { sarif_file: 'slipway.sarif', category: 'slipway' } },
        ],
      },
      diff: {
        if: "github.event_name == 'pull_request'",
        'runs-on': 'ubuntu-latest',
        permissions: { contents: 'read', 'pull-requests': 'write' },
        steps: [
          { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
          checkoutCatalog,
          { uses: 'actions/setup-node@v4', with: { 'node-version': '20' } },
          ...install,
          {
            name: 'Render what the change does',
            env: { BASE_REF: '${{ github.base_ref }}' },
            // exit 1 (an error introduced) is reported by the check job; only 2 (cannot diff) fails here
            run: `status=0\n${SLIPWAY} diff . --from "origin/$BASE_REF" --to HEAD --schemas ${CRDS_CATALOG.path} --format markdown > slipway-diff.md || status=$?\nif [ "$status" -ge 2 ]; then exit "$status"; fi`,
          },
          {
            name: 'Post the diff as a pull-request comment',
            env: { GH_TOKEN: '${{ github.token }}', PR: '${{ github.event.pull_request.number }}' },
            run: DIFF_COMMENT_SCRIPT,
          },
        ],
      },
    },
  };
  tree.add('.github/workflows/slipway.yaml', `# Generated by slipway synth.\n---\n${toYaml(workflow)}`);
}
