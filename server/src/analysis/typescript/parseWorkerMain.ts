// The child process `parseWorker.ts` starts: parses the files it is sent, one
// batch a message, and answers their records; it exits when the server lets go
// of it (or goes). It reads no file and runs nothing it is sent: the texts come
// with the message.
import { encodeCompact } from '../compactValue';
import { parseFile } from './parse';
import type { ParseOutcome, ParseRequest, ParseResponse } from './parseWorker';

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
