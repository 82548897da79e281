// Parsing TypeScript files in a child process, for the index's first read of a
// workspace: the child loads TypeScript's compiler (~40 MB) and exits when the
// read is done, so a server that then only edits config files never holds the
// compiler, and the pre-scan is done here while the child parses. A process,
// not a worker thread: a thread's memory stays with the process after it ends
// (about 30 MB of 70, measured), a process's goes with it. Later single-file
// updates parse in the server, as before (`index.ts`). The child's entry is
// `parseWorkerMain.ts`; it reads no file and runs nothing it is sent.
import { ChildProcess, fork } from 'child_process';
import * as path from 'path';
import { CompactValue, decodeCompact } from '../compactValue';
import { InternTable, internStrings } from '../intern';
import { FileRecord } from './fileRecord';

export interface ParseJob {
  readonly file: string;
  /** The module `TypeScriptIndex.planUpdate` named. */
  readonly module: string;
  readonly text: string;
}

export interface ParseRequest {
  readonly id: number;
  readonly taskFunctionNames: readonly string[];
  readonly jobs: readonly ParseJob[];
}

/** A job's record, or why parsing it failed inside Tasklens (a bug, never the user's code). */
export type ParseOutcome = { readonly record: FileRecord; readonly error?: undefined } | { readonly record?: undefined; readonly error: string };

/**
 * The outcomes in compact form (`compactValue.ts`: a fifth of the bytes of a
 * structured clone, read back in a fifth of the time), or as they are when
 * they could not be encoded.
 */
export type ParseResponse = { readonly id: number; readonly compact: CompactValue; readonly outcomes?: undefined } | { readonly id: number; readonly outcomes: readonly ParseOutcome[]; readonly compact?: undefined };

/** Beside the bundle (`server/out/typescriptWorker.js`), or beside this file when run from the compiled sources (tests). */
function workerScript(): string {
  return /parseWorker\.js$/.test(__filename) ? path.join(__dirname, 'parseWorkerMain.js') : path.join(__dirname, 'typescriptWorker.js');
}

export class ParseWorker {
  private readonly child: ChildProcess | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { readonly names: InternTable; readonly resolve: (outcomes: readonly ParseOutcome[] | undefined) => void }>();
  private gone = false;

  constructor(script = workerScript(), private readonly timeoutMs = PARSE_TIMEOUT_MS) {
    try {
      // `advanced`: records hold Maps and Sets. Node's own flags are not passed on (a debugger port, say).
      // Under VS Code the server's Node is Electron's, which runs as Node only when told (the client tells the server so).
      this.child = fork(script, [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    } catch {
      this.gone = true;
      return;
    }
    this.child.on('message', (response: ParseResponse) => this.answer(response));
    // A child that cannot start or stops: what it was asked is answered undefined (the caller parses it itself).
    const stop = () => {
      this.gone = true;
      for (const id of [...this.waiting.keys()]) this.answer({ id, outcomes: undefined });
    };
    this.child.on('error', stop);
    this.child.on('exit', stop);
  }

  /**
   * One outcome per job, in order; undefined when the child is gone, has not
   * answered within `timeoutMs` (it is then stopped: the server parses the
   * files itself, and is never left waiting) or answered what does not decode.
   * Never rejects. The records' strings are taken from `names` (equal strings
   * shared across the batches of one read).
   */
  parse(jobs: readonly ParseJob[], taskFunctionNames: readonly string[], names: InternTable = new Map()): Promise<readonly ParseOutcome[] | undefined> {
    const child = this.child;
    if (this.gone || !child) return Promise.resolve(undefined);
    const id = this.nextId++;
    const request: ParseRequest = { id, taskFunctionNames, jobs };
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill(), this.timeoutMs);
      this.waiting.set(id, {
        names,
        resolve: (outcomes) => {
          clearTimeout(timer);
          resolve(outcomes);
        },
      });
      try {
        child.send(request, (error) => {
          if (error) this.answer({ id, outcomes: undefined });
        });
      } catch {
        // The channel closed meanwhile: the caller parses the batch itself.
        this.answer({ id, outcomes: undefined });
      }
    });
  }

  /** Ends the child (and so frees what it holds); what it was still asked is answered undefined. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.gone) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.disconnect();
    else child.kill();
    await exited;
  }

  private answer(response: { readonly id: number; readonly compact?: CompactValue; readonly outcomes?: readonly ParseOutcome[] }): void {
    const waiting = this.waiting.get(response.id);
    if (waiting === undefined) return;
    this.waiting.delete(response.id);
    let outcomes: readonly ParseOutcome[] | undefined;
    try {
      if (response.compact !== undefined) outcomes = decodeCompact(response.compact, waiting.names) as readonly ParseOutcome[];
      else if (response.outcomes !== undefined) outcomes = internStrings(waiting.names, response.outcomes);
    } catch {
      // An answer that does not read back: the caller parses the batch itself.
      outcomes = undefined;
    }
    waiting.resolve(outcomes);
  }
}

/** A batch of 100 files parses in well under a second: one that takes this long is stuck. */
const PARSE_TIMEOUT_MS = 60_000;
