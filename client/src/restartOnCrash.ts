// What the client does when the server's connection breaks: start it again a few
// times, then give up, telling the user once per episode instead of on every
// crash (a crash loop must not turn into a stream of notifications).
import { CloseAction, CloseHandlerResult, ErrorAction, ErrorHandler, ErrorHandlerResult } from 'vscode-languageclient/node';

/** More crashes than this inside the window and the server stays down. */
const MAX_RESTARTS = 4;
const WINDOW_MS = 3 * 60 * 1000;
/** Transport errors tolerated before the connection is shut down (the client's own default). */
const MAX_TRANSPORT_ERRORS = 3;

export interface CrashReporter {
  /** The server died and was started again; called for the first crash only. */
  restarted(): void;
  /** The server died too often and will not be started again. */
  gaveUp(crashes: number, windowMinutes: number): void;
}

export class RestartOnCrash implements ErrorHandler {
  private crashTimes: number[] = [];
  private reportedRestart = false;

  constructor(private readonly reporter: CrashReporter, private readonly now: () => number = Date.now) {}

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    if (count !== undefined && count <= MAX_TRANSPORT_ERRORS) return { action: ErrorAction.Continue };
    // Shutting down closes the connection, and closed() decides about the restart.
    return { action: ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = this.now();
    this.crashTimes = this.crashTimes.filter((time) => now - time <= WINDOW_MS);
    this.crashTimes.push(now);
    if (this.crashTimes.length > MAX_RESTARTS) {
      this.reporter.gaveUp(this.crashTimes.length, WINDOW_MS / 60_000);
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    if (!this.reportedRestart) {
      this.reportedRestart = true;
      this.reporter.restarted();
    }
    return { action: CloseAction.Restart, handled: true };
  }

  /** A restart the user asked for starts a new episode: crashes after it are reported again. */
  reset(): void {
    this.crashTimes = [];
    this.reportedRestart = false;
  }
}
