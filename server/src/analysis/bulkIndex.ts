// Reading many task files into the workspace's sources at once (the server's
// first index): TypeScript files are parsed in a child process
// (`typescript/parseWorker.ts`) while this thread reads and pre-scans the next
// batch, and the child exits at the end, taking TypeScript's compiler with it.
import { InternTable } from './intern';
import { ParseOutcome, ParseWorker } from './typescript/parseWorker';
import { PlannedParse, Workspace } from './workspace';

/** From this many TypeScript files a child parses them; below, starting one costs more than it saves. */
const PARSE_IN_CHILD_FROM = 50;
const BATCH = 100;
/** Batches sent to the child and not answered yet, at most (their texts are held until answered). */
const BATCHES_QUEUED = 3;

export interface BulkIndexOptions {
  /** After each batch, with the count of files read so far; false stops the index (cancelled). */
  readonly between: (done: number) => Promise<boolean>;
  /** Reading or parsing one file failed inside Tasklens (a bug): the file is read here, or left out. */
  readonly onInternalError?: (file: string, error: unknown) => void;
}

/** Reads `files` (workspace-relative) into `ws`; false when `between` stopped it. */
export async function indexTaskFiles(ws: Workspace, files: readonly string[], options: BulkIndexOptions): Promise<boolean> {
  // (A Python workspace needs no child: its parser is not TypeScript's, and light.)
  const typeScriptFiles = files.filter((f) => ws.isIndexedTypeScript(f)).length;
  // One child: a second, measured, parsed no sooner on two cores (the config is read meanwhile).
  const child = typeScriptFiles >= PARSE_IN_CHILD_FROM ? new ParseWorker() : undefined;
  // Batches sent and not yet taken, oldest first: their records are taken in the files' order.
  const parsing: SentBatch[] = [];
  // The names the child's records repeat, shared across the whole read.
  const names: InternTable = new Map();
  const takeOldest = async () => {
    const batch = parsing.shift()!;
    takeOutcomes(ws, batch.plans, await batch.outcomes, options);
  };
  try {
    for (let i = 0; i < files.length; i += BATCH) {
      const plans: PlannedParse[] = [];
      for (const file of files.slice(i, i + BATCH)) {
        const plan = child ? ws.planTaskFile(file) : void ws.indexTaskFile(file);
        if (plan) plans.push(plan);
      }
      if (child && plans.length > 0) {
        parsing.push({ plans, outcomes: child.parse(plans.map(({ file, module, text }) => ({ file, module, text })), plans[0].options.taskFunctionNames, names) });
      }
      // A few batches queued in the child while the next is planned: an answer's way back and the
      // next batch's read (~25 ms a batch, measured) would otherwise leave the child waiting.
      while (parsing.length > BATCHES_QUEUED) await takeOldest();
      if (!(await options.between(Math.min(files.length, i + BATCH)))) return false;
    }
    while (parsing.length > 0) await takeOldest();
    return true;
  } finally {
    // Stopped early (cancelled, or a file failed): what was sent is waited for, not taken.
    await Promise.all(parsing.map((b) => b.outcomes));
    await child?.close();
  }
}

interface SentBatch {
  readonly plans: readonly PlannedParse[];
  /** Never rejects: a child that fails answers undefined. */
  readonly outcomes: Promise<readonly ParseOutcome[] | undefined>;
}

/** Hands a batch's records to the workspace; what the child could not parse is read here. */
function takeOutcomes(ws: Workspace, plans: readonly PlannedParse[], outcomes: readonly ParseOutcome[] | undefined, options: BulkIndexOptions): void {
  plans.forEach((plan, i) => {
    const outcome = outcomes?.[i];
    if (outcome?.error !== undefined) options.onInternalError?.(plan.file, new Error(outcome.error));
    try {
      ws.takeParsedTaskFile(plan, outcome?.record);
    } catch (e) {
      options.onInternalError?.(plan.file, e);
    }
  });
}
