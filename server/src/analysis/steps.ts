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
