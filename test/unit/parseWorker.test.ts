// TypeScript files parsed in the indexing child process (a large workspace's
// first index) read exactly as they read in the server itself: records cross the
// process boundary whole (Maps, Sets, located values, ranges), and a child that
// cannot start leaves the parsing to the server.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseFile } from '../../server/src/analysis/typescript/parse';
import { ParseJob, ParseWorker } from '../../server/src/analysis/typescript/parseWorker';
import { REPO_ROOT } from '../paths';

function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? (e.name === 'node_modules' ? [] : typeScriptFiles(full)) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const NAMES = ['task', 'job', 'app.task'];

test('every fixture and example TypeScript file: the child gives the record the server would have made', async () => {
  const files = ['test/fixtures', 'examples'].flatMap((d) => typeScriptFiles(path.join(REPO_ROOT, d)));
  assert.ok(files.length >= 20, `only ${files.length} files`);
  const jobs: ParseJob[] = files.map((f, i) => ({ file: path.relative(REPO_ROOT, f).replace(/\\/g, '/'), module: `m${i}.tasks`, text: fs.readFileSync(f, 'utf8') }));
  const worker = new ParseWorker();
  try {
    // Two batches, sent before either is answered, each answered in order.
    const [first, second] = await Promise.all([worker.parse(jobs.slice(0, 10), NAMES), worker.parse(jobs.slice(10), NAMES)]);
    assert.ok(first && second, 'the child answered');
    const outcomes = [...first, ...second];
    assert.equal(outcomes.length, jobs.length);
    let tasks = 0;
    outcomes.forEach((outcome, i) => {
      const { file, module, text } = jobs[i];
      assert.equal(outcome.error, undefined, file);
      assert.deepEqual(outcome.record, parseFile(file, module, text, NAMES), file);
      tasks += outcome.record!.tasks.length;
    });
    assert.ok(tasks > 10, `${tasks} tasks read`);
  } finally {
    await worker.close();
  }
  // Closed: nothing more is parsed there.
  assert.equal(await worker.parse(jobs.slice(0, 1), NAMES), undefined);
});

test('a child that cannot start answers undefined, so the server parses the files itself', async () => {
  const worker = new ParseWorker(path.join(REPO_ROOT, 'no-such-parser.js'));
  assert.equal(await worker.parse([{ file: 'a.ts', module: 'a', text: 'export const x = task(async () => 1);' }], NAMES), undefined);
  await worker.close();
});

test('a child that does not answer is stopped after the timeout, and its files are left to the server', async () => {
  const silent = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-parse-')), 'silent.js');
  // Takes messages and never answers (a parse stuck on some input).
  fs.writeFileSync(silent, "process.on('message', () => {});\n");
  const worker = new ParseWorker(silent, 300);
  const started = Date.now();
  assert.equal(await worker.parse([{ file: 'a.ts', module: 'a', text: 'export const x = task(async () => 1);' }], NAMES), undefined);
  assert.ok(Date.now() - started < 5000, 'answered soon after the timeout');
  await worker.close();
  fs.rmSync(path.dirname(silent), { recursive: true, force: true });
});
