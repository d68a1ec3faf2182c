// The order in which Flux makes a cluster Ready, as a graph the checker can ask questions of
// and try fixes on: dependsOn edges (wait until Ready) and parent edges (a Kustomization
// exists only once its parent applied it). Fixes are tried on a copy before they are offered.
import type { FluxKustomization, KsKey } from '../../repo/flux/index.js';

export interface DependsOnEdit {
  kustomization: KsKey;
  add?: KsKey[];
  remove?: KsKey[];
}

export class OrderGraph {
  private readonly dependsOn: Map<KsKey, Set<KsKey>>;
  private readonly parent: Map<KsKey, KsKey | undefined>;
  private readonly memo = new Map<KsKey, { ready: Set<KsKey>; ancestors: Set<KsKey> }>();

  constructor(kustomizations: readonly Pick<FluxKustomization, 'key' | 'dependsOn' | 'parent'>[] | OrderGraph) {
    if (kustomizations instanceof OrderGraph) {
      this.dependsOn = new Map([...kustomizations.dependsOn].map(([k, v]) => [k, new Set(v)]));
      this.parent = new Map(kustomizations.parent);
    } else {
      this.dependsOn = new Map(kustomizations.map((k) => [k.key, new Set(k.dependsOn)]));
      this.parent = new Map(kustomizations.map((k) => [k.key, k.parent]));
    }
  }

  /** A copy with dependsOn edits applied. */
  with(edits: readonly DependsOnEdit[]): OrderGraph {
    const g = new OrderGraph(this);
    for (const e of edits) {
      const set = g.dependsOn.get(e.kustomization) ?? new Set<KsKey>();
      for (const r of e.remove ?? []) set.delete(r);
      for (const a of e.add ?? []) set.add(a);
      g.dependsOn.set(e.kustomization, set);
    }
    return g;
  }

  /**
   * What is Ready before `key` reconciles (`ready`: its dependsOn closure, and what its ancestors
   * waited for), and the Kustomizations that applied it (`ancestors`). Cycles end the walk.
   */
  upstream(key: KsKey): { ready: Set<KsKey>; ancestors: Set<KsKey> } {
    return this.compute(key, new Set());
  }

  private compute(key: KsKey, stack: Set<KsKey>): { ready: Set<KsKey>; ancestors: Set<KsKey> } {
    const cached = this.memo.get(key);
    if (cached) return cached;
    const result = { ready: new Set<KsKey>(), ancestors: new Set<KsKey>() };
    if (stack.has(key)) return result;
    stack.add(key);
    for (const d of this.dependsOn.get(key) ?? []) {
      result.ready.add(d);
      const up = this.compute(d, stack);
      up.ready.forEach((x) => result.ready.add(x));
      up.ancestors.forEach((x) => result.ready.add(x));
    }
    const parent = this.parent.get(key);
    if (parent) {
      result.ancestors.add(parent);
      const up = this.compute(parent, stack);
      up.ready.forEach((x) => result.ready.add(x));
      up.ancestors.forEach((x) => result.ancestors.add(x));
    }
    stack.delete(key);
    // memoised even inside a cycle (its answer is partial there; cycles are their own finding)
    this.memo.set(key, result);
    return result;
  }

  /** Whether `ancestor` applies `key`, directly or through its children. */
  isAncestor(ancestor: KsKey, key: KsKey): boolean {
    for (let p = this.parent.get(key); p; p = this.parent.get(p)) if (p === ancestor) return true;
    return false;
  }

  /** Whether `key` can only reconcile after `other` is Ready (or applied it). */
  isAfter(key: KsKey, other: KsKey): boolean {
    const up = this.upstream(key);
    return up.ready.has(other) || up.ancestors.has(other);
  }

  /** A dependsOn cycle, as a closed path, if any. */
  cycle(): KsKey[] | undefined {
    const state = new Map<KsKey, 1 | 2>();
    const path: KsKey[] = [];
    const visit = (k: KsKey): KsKey[] | undefined => {
      state.set(k, 1);
      path.push(k);
      for (const d of [...(this.dependsOn.get(k) ?? [])].sort()) {
        if (state.get(d) === 1) return [...path.slice(path.indexOf(d)), d];
        if (!state.has(d) && this.dependsOn.has(d)) {
          const found = visit(d);
          if (found) return found;
        }
      }
      path.pop();
      state.set(k, 2);
      return undefined;
    };
    for (const k of [...this.dependsOn.keys()].sort()) {
      if (state.has(k)) continue;
      const found = visit(k);
      if (found) return found;
    }
    return undefined;
  }

  /** A Kustomization that waits (dependsOn, transitively) on one it applies itself: it never gets Ready. */
  parentWaitingOnChild(): { parent: KsKey; child: KsKey } | undefined {
    for (const k of [...this.dependsOn.keys()].sort()) {
      for (const r of [...this.upstream(k).ready].sort()) if (this.isAncestor(k, r)) return { parent: k, child: r };
    }
    return undefined;
  }

  /** Why the graph cannot converge after a fix (a cycle, or a parent waiting on its child), or undefined. */
  problem(): string | undefined {
    const c = this.cycle();
    if (c) return `it would close the dependsOn cycle ${c.join(' → ')}`;
    const p = this.parentWaitingOnChild();
    if (p) return `${p.parent} would wait for ${p.child}, which it applies itself`;
    return undefined;
  }
}
