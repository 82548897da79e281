// The first index of a workspace of many TypeScript files, parsed in a child
// process that exits when it is done (server/src/analysis/typescript/parseWorker.ts):
// the server knows the same tasks, classes and problems as an index read in one
// process, and the child is gone once the index is read.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiskHost } from '../../server/src/analysis/diskHost';
import { Workspace } from '../../server/src/analysis/workspace';
import * as features from '../../server/src/features';
import { APP } from '../features/assertions';
import { LspTestClient } from './lspClient';

let root: string;
let client: LspTestClient;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-index-'));
  fs.cpSync(APP, root, { recursive: true });
  // 80 more task files (the child is used from 50 TypeScript files on), some skipped by the pre-scan.
  const billing = fs.readFileSync(path.join(APP, 'src/tasks/billing.ts'), 'utf8');
  for (let i = 0; i < 80; i++) fs.writeFileSync(path.join(root, 'src/tasks', `billing${i}.ts`), i % 10 === 9 ? `export const n${i} = ${i};\n` : billing);
  fs.appendFileSync(path.join(root, 'config.yaml'), '\n  src.tasks.billing7.refund:\n    max_retries: 2\n    retry_for: [NoSuchError]\n');
  client = await LspTestClient.start(root);
});

after(async () => {
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('the server indexed with the child knows what one process reading the workspace knows', async () => {
  const ws = new Workspace(new DiskHost(root), { root });
  ws.scanTypeScript();
  const expected = [...ws.tasks().keys()].sort();
  assert.ok(expected.length > 100, `${expected.length} tasks`);
  const listed = (await client.listTasks()).filter((t) => t.uri !== undefined).map((t) => t.id).sort();
  assert.deepEqual(listed, expected);
  // Problems that need the classes of other files (TL005/TL006 against the workspace's errors).
  const config = await client.openPlain('config.yaml', fs.readFileSync(path.join(root, 'config.yaml'), 'utf8'));
  const diagnostics = await client.waitForDiagnostics(config);
  const inProcess = features.diagnose(ws, 'config.yaml');
  assert.deepEqual(diagnostics.map((d) => `${d.code}@${d.range.start.line}`), inProcess.map((d) => `${d.code}@${d.range.start.line}`));
  assert.ok(diagnostics.some((d) => /NoSuchError/.test(String(d.message))), 'the added section is checked');
});

test('the child is gone once the index is read', async () => {
  const pid = (client as unknown as { child: { pid: number } }).child.pid;
  const children = () => {
    try {
      return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    } catch {
      return 'unknown';
    }
  };
  if (children() === 'unknown') return; // not Linux
  assert.equal(children(), '');
});
