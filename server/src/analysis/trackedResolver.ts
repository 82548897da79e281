// What the TypeScript and Python name resolvers (`typescript/names.ts`,
// `python/nameResolver.ts`) share: every finding is memoised with what it read
// (`Reads`: the files, modules or import paths it consulted), so that a change
// drops only the findings it can make stale; reads made inside a finding count
// for every finding around it; and a lookup already under way (a re-export
// cycle) answers undefined instead of looping.

/** A finding and everything it read. */
export interface Tracked<T, Reads> {
  readonly value: T;
  readonly deps: Reads;
}

export abstract class TrackedResolver<Reads> {
  /** Where reads are recorded while `tracked` runs. */
  protected deps: Reads | undefined;
  private readonly inProgress = new Set<string>();

  protected abstract noReads(): Reads;
  protected abstract addReads(into: Reads, reads: Reads): void;

  /** Runs `read`, returning its result and everything it read (also added to an enclosing `tracked`). */
  tracked<T>(read: () => T): Tracked<T, Reads> {
    const outer = this.deps;
    const deps = this.noReads();
    this.deps = deps;
    try {
      return { value: read(), deps };
    } finally {
      this.deps = outer;
      if (outer !== undefined) this.addReads(outer, deps);
    }
  }

  /** A memoised finding's value, its reads counted as read again. */
  protected recall<T>(memo: Tracked<T, Reads>): T {
    if (this.deps !== undefined) this.addReads(this.deps, memo.deps);
    return memo.value;
  }

  /** `find()`, tracked; undefined when a lookup of `key` is already under way (a cycle). */
  protected findOnce<T>(key: string, find: () => T): Tracked<T, Reads> | undefined {
    if (this.inProgress.has(key)) return undefined;
    this.inProgress.add(key);
    try {
      return this.tracked(find);
    } finally {
      this.inProgress.delete(key);
    }
  }
}
