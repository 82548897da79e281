// The child process `parseWorker.ts` starts: parses the files it is sent, one
// batch a message, and answers their records; it exits when the server lets go
// of it (or goes). It reads no workspace file and runs nothing it is sent: the
// texts come with the message (what it reads is the compiler and its code cache).
import { encodeCompact } from '../compactValue';
import { preloadCompiler } from './compiler';
import type * as Parser from './parse';
import type { ParseOutcome, ParseRequest, ParseResponse } from './parseWorker';

// The compiler from its code cache (`compiler.ts`), before the parser requires it; meanwhile the first batch is on its way.
preloadCompiler();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseFile } = require('./parse') as typeof Parser;

process.on('message', (request: ParseRequest) => {
  const outcomes = request.jobs.map((job): ParseOutcome => {
    try {
      return { record: parseFile(job.file, job.module, job.text, request.taskFunctionNames) };
    } catch (e) {
      return { error: (e as Error).stack ?? String(e) };
    }
  });
  let response: ParseResponse;
  try {
    response = { id: request.id, compact: encodeCompact(outcomes) };
  } catch {
    // Nested past the stack (a hostile file): sent as it is.
    response = { id: request.id, outcomes };
  }
  process.send?.(response);
});
// Without the server there is nothing to answer.
process.on('disconnect', () => process.exit(0));
