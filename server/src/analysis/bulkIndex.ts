// Reading many task files into the workspace's sources at once (the server's
// first index): TypeScript files are parsed in a child process
// (`typescript/parseWorker.ts`) while this thread reads and pre-scans the next
// batch, and the child exits at the end, taking TypeScript's compiler with it.
import { InternTable } from './intern';
import { ParseWorker } from './typescript/parseWorker';
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
  const child = typeScriptFiles >= PARSE_IN_CHILD_FROM ? new ParseWorker() : undefined;
  // Batches sent and not yet answered, oldest first (the child answers in order).
  const parsing: Promise<void>[] = [];
  // The names the child's records repeat, shared across the whole read.
  const names: InternTable = new Map();
  try {
    for (let i = 0; i < files.length; i += BATCH) {
      const plans: PlannedParse[] = [];
      for (const file of files.slice(i, i + BATCH)) {
        const plan = child ? ws.planTaskFile(file) : void ws.indexTaskFile(file);
        if (plan) plans.push(plan);
      }
      if (child && plans.length > 0) {
        const parsed = parseInChild(ws, child, plans, names, options);
        // Its failure is thrown where it is awaited, not reported as unhandled while it waits in the queue.
        parsed.catch(() => undefined);
        parsing.push(parsed);
      }
      // A few batches queued in the child while the next is planned: an answer's way back and the
      // next batch's read (~25 ms a batch, measured) would otherwise leave the child waiting.
      while (parsing.length > BATCHES_QUEUED) await parsing.shift();
      if (!(await options.between(Math.min(files.length, i + BATCH)))) return false;
    }
    return true;
  } finally {
    await Promise.all(parsing);
    await child?.close();
  }
}

/** Parses `plans` in the child and hands the records to the workspace; what the child cannot parse is read here. */
async function parseInChild(ws: Workspace, child: ParseWorker, plans: readonly PlannedParse[], names: InternTable, options: BulkIndexOptions): Promise<void> {
  const outcomes = await child.parse(plans.map(({ file, module, text }) => ({ file, module, text })), plans[0].options.taskFunctionNames, names);
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
