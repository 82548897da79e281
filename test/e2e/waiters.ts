// Waiting in tests for what a server sends: each `until` resolves once its
// condition holds (checked whenever `wake` is called, on every message), or
// fails after a timeout, or as soon as `failed` says why it never will.
export class Waiters {
  private readonly checks = new Set<() => void>();

  wake(): void {
    for (const check of [...this.checks]) check();
  }

  until(condition: () => boolean, what: string, timeoutMs: number, failed: () => Error | undefined = () => undefined): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        const error = failed();
        if (error) finish(error);
        else if (condition()) finish();
      };
      const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.checks.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.checks.add(check);
    });
  }
}
