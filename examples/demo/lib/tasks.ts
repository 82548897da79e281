// A stand-in for the task runtime's API, so the demo type-checks on its own.
export const ConcurrencyControlType = { DISABLED: 'disabled', TASK: 'task', ARGUMENTS: 'arguments', KEYS: 'keys' } as const;

export type TaskOptions = Record<string, unknown>;

export function task<F extends (...args: never[]) => unknown>(fn: F, options?: TaskOptions): F;
export function task(options: TaskOptions): <F>(fn: F) => F;
export function task<F>(options: TaskOptions, fn: F): F;
export function task(a: unknown, b?: unknown): unknown {
  if (typeof a === 'function') return a;
  if (typeof b === 'function') return b;
  return (fn: unknown) => fn;
}
