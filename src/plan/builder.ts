// The incremental part of `slipway diff`: a DirectoryBuilder (the Flux loader's only way into the
// engine) that keeps, for every build, which files and folders it read (the engine reports
// them), and that can hand out the other revision's build result when none of those inputs
// changed.
//
// The side loaded first records; the second side asks for the same builds — same folder, same
// Kustomization object, same substitution variables — and gets the first side's result back when
// no changed path is among the recorded inputs and nothing changed below the built folder. So only
// Kustomizations whose inputs changed (files under their path, components, patches and bases they
// read, their own spec, their variables) are built twice.
import type { BuildOutcome, DirectoryBuilder, FluxBuildRequest } from '../repo/flux/index.js';
import type { ChangedPaths } from './git.js';

interface BuildRecord {
  dir: string;
  /** Inputs read, relative to the root ('/'-separated). */
  inputs: Set<string>;
  outcome: BuildOutcome;
}

/** Build records as stored in the on-disk cache (build-cache.ts). */
export interface SerializedRecord {
  key: string;
  dir: string;
  inputs: string[];
  outcome: BuildOutcome;
}

export interface BuildStats {
  /** Folders built by this side. */
  built: string[];
  /** Folders whose result was taken from the other side. */
  reused: string[];
}

export class RecordingBuilder implements DirectoryBuilder {
  private readonly records = new Map<string, BuildRecord>();
  readonly stats: BuildStats = { built: [], reused: [] };

  /**
   * @param inner the engine-backed builder of this revision (absent for a builder that only
   *   hands out stored records, used as another builder's `reuse.from`)
   * @param reuse the other revision's builder and the paths that differ between the two
   */
  constructor(private readonly inner?: DirectoryBuilder, private readonly reuse?: { from: RecordingBuilder; changed: ChangedPaths }) {}

  static fromRecords(records: SerializedRecord[]): RecordingBuilder {
    const b = new RecordingBuilder();
    for (const r of records) b.records.set(r.key, { dir: r.dir, inputs: new Set(r.inputs), outcome: r.outcome });
    return b;
  }

  /** Every build this builder did or reused, for the on-disk cache. */
  exportRecords(): SerializedRecord[] {
    return [...this.records].map(([key, r]) => ({ key, dir: r.dir, inputs: [...r.inputs].sort(), outcome: r.outcome }));
  }

  fluxBuild(request: FluxBuildRequest): Promise<BuildOutcome> {
    const key = `flux\0${request.dir}\0${JSON.stringify(request.kustomization, bigints)}\0${JSON.stringify(request.variables)}\0${request.definedAt?.file}:${request.definedAt?.line}`;
    return this.recorded(key, request.dir, () => this.inner!.fluxBuild(request));
  }

  kustomizeBuild(dir: string): Promise<BuildOutcome> {
    return this.recorded(`kustomize\0${dir}`, dir, () => this.inner!.kustomizeBuild(dir));
  }

  private async recorded(key: string, dir: string, build: () => Promise<BuildOutcome>): Promise<BuildOutcome> {
    const mine = this.records.get(key);
    if (mine) return mine.outcome;
    const other = this.reuse?.from.records.get(key);
    if (other && !this.reuse!.changed.under(dir) && ![...other.inputs].some((p) => this.reuse!.changed.has(p))) {
      this.records.set(key, other);
      this.stats.reused.push(dir);
      return other.outcome;
    }
    const outcome = await build();
    this.records.set(key, { dir, inputs: new Set(outcome.inputs), outcome });
    this.stats.built.push(dir);
    return outcome;
  }
}

const bigints = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);
