// Long work in steps: a generator that yields between pieces of work, so that
// the server can answer other requests in between and drop work that a newer
// version of a document has made stale. Run to the end, it is a plain call.

/** Work that yields between its steps and returns a `T`. */
export type Steps<T> = Generator<void, T, void>;

/** Runs steps to the end. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs steps in slices of about `sliceMs`, letting the event loop run between
 * them (other requests, a child's messages); undefined once `wanted()` says,
 * between two slices, that the work is stale. Throws what the steps throw.
 */
export async function inSlices<T>(steps: Steps<T>, sliceMs: number, wanted: () => boolean): Promise<T | undefined> {
  for (;;) {
    const sliceEnd = performance.now() + sliceMs;
    let result: IteratorResult<void, T>;
    do result = steps.next();
    while (!result.done && performance.now() < sliceEnd);
    if (result.done) return result.value;
    await new Promise((resolve) => setImmediate(resolve));
    if (!wanted()) return undefined;
  }
}
