// secrets/plaintext: "no plaintext in Git" (seed 003). A Secret with values in the
// repository is a leak the moment it is pushed, whatever happens in the cluster.
// Values are never printed: only the keys that hold them.
import type { Rule, RuleFinding } from '../rule.js';

/** A `${VAR}` reference (Flux postBuild), or the loader's placeholder for a value known only in the cluster. */
const VARIABLE = /\$\{[_a-zA-Z][_a-zA-Z0-9]*(:?[-=][^}]*)?\}|\.\.UNKNOWN_[A-Za-z0-9_]*\.\./;

/**
 * A value that is not a secret in Git: empty, or filled in from a variable (the secret material
 * comes from postBuild substitution, typically a SOPS Secret or the cluster), e.g.
 * `${DB_PASSWORD}` or `postgres://${USER}:${PASSWORD}@db:5432`.
 */
function isPlaceholder(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  return VARIABLE.test(String(value));
}

/** SOPS-encrypted content, as it appears in a file a secretGenerator reads (decrypted by kustomize-controller). */
const SOPS_CONTENT = /ENC\[(AES256_GCM|[A-Z0-9_]+),data:|^\s*"?sops"?\s*:|-----BEGIN AGE ENCRYPTED FILE-----|"mac"\s*:\s*"ENC\[/m;

function decode(value: unknown, base64: boolean): string {
  const text = String(value ?? '');
  if (!base64) return text;
  try {
    return Buffer.from(text, 'base64').toString('utf8');
  } catch {
    return text;
  }
}

/** The value as written in the source document (before postBuild), for `${VAR}` detection. */
function sourceValue(source: unknown, field: string, key: string): unknown {
  const m = (source as Record<string, any> | undefined)?.[field];
  return m && typeof m === 'object' ? m[key] : undefined;
}

export const secretsPlaintext: Rule = {
  id: 'secrets/plaintext',
  severity: 'error',
  doc: {
    summary: 'a Secret (or secretGenerator) with values that are not SOPS-encrypted',
    why: 'anything pushed to Git is readable by everyone with access to it, and stays in history after removal. ' +
      'Not plaintext: SOPS-encrypted documents, secretGenerator files that are SOPS-encrypted (kustomize-controller decrypts them), ' +
      'and values made of postBuild variables (${VAR}: the secret material comes from elsewhere).',
    fix: 'replace the Secret with an ExternalSecret (or encrypt the file with SOPS), then rotate the leaked value.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const { cluster, resource } of ctx.appliedOnce()) {
      if (resource.id.kind !== 'Secret' || resource.id.apiVersion !== 'v1') continue;
      // a chart's Secret is made in the cluster (chart defaults, generated values), not read from Git
      if (resource.rendered) continue;
      const o = resource.object as Record<string, any>;
      if (o.sops) continue;
      const source = ctx.locator.sourceObject(resource.origin);
      const keys: string[] = [];
      let first: string | undefined;
      for (const field of ['data', 'stringData']) {
        for (const [k, v] of Object.entries((o[field] ?? {}) as Record<string, unknown>)) {
          if (isPlaceholder(v) || isPlaceholder(sourceValue(source, field, k))) continue;
          const text = decode(v, field === 'data');
          if (isPlaceholder(text) || SOPS_CONTENT.test(text)) continue; // generated from a SOPS file, or from variables
          keys.push(k);
          first ??= `/${field}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        }
      }
      if (!keys.length) continue;
      const generated = resource.origin?.file?.match(/kustomization\.ya?ml$/) ? ' (from a secretGenerator)' : '';
      out.push({
        message: `Secret ${resource.id.namespace ?? ''}/${resource.id.name}${generated} holds plaintext values for ${keys.sort().map((k) => `"${k}"`).join(', ')}; use an ExternalSecret or SOPS, and rotate them`,
        file: resource.origin?.file, ...ctx.locator.locate(resource.origin, first ?? '/data'), cluster: cluster.name, resource: resource.id,
      });
    }
    return out;
  },
};
