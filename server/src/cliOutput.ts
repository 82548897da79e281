// Where the CLI writes (glue, beside `cli.ts`). Run on Node's main thread it
// writes through `process.stdout` and `process.stderr`; run in the worker thread
// that `cli.ts` starts for the commands that read a workspace, it writes to file
// descriptors 1 and 2 itself, synchronously (as Node writes to files and pipes
// on POSIX), so nothing waits in the main thread's queue and nothing is lost
// when the thread ends. Either way a reader that stops early (`tasklens check |
// head`) drops the rest of the output, and the status stays the command's.
import * as fs from 'fs';

export interface Output {
  /** Writes to stdout; nothing once stdout's reader has gone. */
  out(data: string | Uint8Array): void;
  err(text: string): void;
  /** Whether stdout's reader has gone: what follows is dropped. */
  readonly closed: boolean;
  /** 2 once stdout failed otherwise than by its reader going (the reason is on stderr). */
  readonly failure: number | undefined;
}

/** Through `process.stdout` and `process.stderr`, looked up at each write (tests capture them). */
export class ProcessOutput implements Output {
  closed = false;
  readonly failure = undefined;

  out(data: string | Uint8Array): void {
    if (!this.closed) process.stdout.write(data);
  }

  err(text: string): void {
    process.stderr.write(text);
  }

  /** For the bin: a closed pipe ends the output, any other write error the process. */
  watchStdout(): void {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') {
        this.closed = true;
        return;
      }
      process.stderr.write(`tasklens: cannot write the output: ${e.message.split('\n')[0]}\n`);
      process.exit(2);
    });
  }
}

/** Straight to file descriptors 1 and 2 (a worker thread's own `process.stdout` goes through the main thread). */
export class DescriptorOutput implements Output {
  closed = false;
  failure: number | undefined;

  out(data: string | Uint8Array): void {
    if (this.closed) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      writeAll(1, bytes);
    } catch (e) {
      this.closed = true;
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
      this.failure = 2;
      this.err(`tasklens: cannot write the output: ${(e as Error).message.split('\n')[0]}\n`);
    }
  }

  err(text: string): void {
    try {
      writeAll(2, Buffer.from(text, 'utf8'));
    } catch {
      // Nowhere left to say it.
    }
  }
}

/** Writes all of `bytes` to `fd`, waiting out a descriptor that is not ready (a non-blocking pipe says EAGAIN). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  let waits = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
      waits = 0;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || ++waits > MAX_WAITS) throw e;
      Atomics.wait(PAUSE, 0, 0, WAIT_MS);
    }
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
const WAIT_MS = 2;
/** A reader that takes nothing for two minutes is stuck: the write fails. */
const MAX_WAITS = 60_000;
