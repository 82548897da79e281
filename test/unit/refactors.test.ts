// Refactors that follow, and the Tasks view's data, on the demo workspace read
// into memory: renaming a task id from a per-task key or env var, and moving a
// task file, rename every config key and env var that targets the tasks.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { Workspace, WorkspaceHost } from '../../server/src/analysis/workspace';
import * as features from '../../server/src/features';
import { REPO_ROOT } from '../paths';

const DEMO = path.join(REPO_ROOT, 'examples', 'demo');
const PYTHON_DEMO = path.join(REPO_ROOT, 'examples', 'demo-python');

function readFolder(root: string, rel = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of readFolder(root, child)) files.set(k, v);
    else files.set(child, fs.readFileSync(path.join(root, child), 'utf8'));
  }
  return files;
}

function demo(root = DEMO): { ws: Workspace; files: Map<string, string> } {
  const files = readFolder(root);
  const host: WorkspaceHost = { readText: (p) => files.get(p), listFiles: () => [...files.keys()].sort() };
  const ws = new Workspace(host, {});
  ws.scanTypeScript();
  return { ws, files };
}

const uriOf = (p: string) => `file:///demo/${p}`;

/** The texts after applying a workspace edit. */
function apply(files: Map<string, string>, edit: WorkspaceEdit | null): Map<string, string> {
  const out = new Map(files);
  for (const [uri, edits] of Object.entries(edit?.changes ?? {})) {
    const file = uri.slice('file:///demo/'.length);
    const text = out.get(file)!;
    const lines = new LineIndex(text);
    const sorted = [...edits].sort((a: TextEdit, b: TextEdit) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
    let next = text;
    for (const e of sorted) next = next.slice(0, lines.offsetAt(e.range.start)) + e.newText + next.slice(lines.offsetAt(e.range.end));
    out.set(file, next);
  }
  return out;
}

describe('renaming a task id', () => {
  test('from a per-task key: the key and the env vars that target it are renamed', () => {
    const { ws, files } = demo();
    const config = files.get('config.yaml')!;
    const offset = config.indexOf('src.tasks.email.sendEmail') + 5;
    const target = features.prepareRename(ws, 'config.yaml', offset);
    assert.deepEqual(target && { id: target.id, text: config.slice(target.start, target.end) }, { id: 'src.tasks.email.sendEmail', text: 'src.tasks.email.sendEmail' });
    const after = apply(files, features.rename(ws, 'config.yaml', offset, 'src.tasks.mail.sendEmail', uriOf));
    assert.match(after.get('config.yaml')!, /^ {2}src\.tasks\.mail\.sendEmail:$/m);
    assert.doesNotMatch(after.get('config.yaml')!, /src\.tasks\.email\.sendEmail/);
    assert.equal(after.get('src/tasks/email.ts'), files.get('src/tasks/email.ts'), 'task code is not edited');
  });

  test('from an env var: the config key is renamed too, and the env var gets the new upper-cased task part', () => {
    const { ws, files } = demo();
    const env = files.get('.env')!;
    const offset = env.indexOf('SRC.TASKS.EMAIL#SENDDIGEST') + 3;
    const target = features.prepareRename(ws, '.env', offset);
    assert.equal(target?.placeholder, 'src.tasks.email.sendDigest');
    const after = apply(files, features.rename(ws, '.env', offset, 'src.tasks.digest.sendDigest', uriOf));
    assert.match(after.get('.env')!, /^PYNENC__CONFIGTASK__SRC\.TASKS\.DIGEST#SENDDIGEST__FORCE_NEW_WORKFLOW=false$/m);
  });

  test('nothing to rename outside a per-task key or env var; an invalid id is refused', () => {
    const { ws, files } = demo();
    assert.equal(features.prepareRename(ws, 'config.yaml', files.get('config.yaml')!.indexOf('parallel_batch_size')), undefined);
    assert.match(features.taskIdProblem('noDot') ?? '', /not a task id/);
    assert.equal(features.taskIdProblem('a.b'), undefined);
  });
});

describe('moving a task file', () => {
  test('src/tasks/email.ts → src/jobs/email.ts renames its tasks in config.yaml and .env', () => {
    const { ws, files } = demo();
    const after = apply(files, features.renameFiles(ws, [{ oldPath: 'src/tasks/email.ts', newPath: 'src/jobs/email.ts' }], uriOf));
    assert.match(after.get('config.yaml')!, /^ {2}src\.jobs\.email\.sendEmail:/m);
    assert.match(after.get('config.yaml')!, /^ {2}src\.tasks\.billing\.chargeCard:/m, 'other tasks stay');
    assert.match(after.get('.env')!, /^PYNENC__CONFIGTASK__SRC\.JOBS\.EMAIL#SENDDIGEST__FORCE_NEW_WORKFLOW=false$/m);
  });

  test('a Python file takes its new module from the Python roots: src/shop/tasks/orders.py → src/shop/jobs/orders.py', () => {
    const { ws, files } = demo(PYTHON_DEMO);
    const after = apply(files, features.renameFiles(ws, [{ oldPath: 'src/shop/tasks/orders.py', newPath: 'src/shop/jobs/orders.py' }], uriOf));
    assert.match(after.get('config.yaml')!, /^ {2}shop\.jobs\.orders\.place_order:$/m);
    assert.match(after.get('config.yaml')!, /^ {2}shop\.jobs\.orders\.charge_card:$/m);
    assert.match(after.get('config.yaml')!, /^ {2}shop\.tasks\.emails\.send_receipt:$/m, 'other files\' tasks stay');
    assert.match(after.get('.env')!, /^PYNENC__CONFIGTASK__SHOP\.JOBS\.ORDERS#PLACE_ORDER__MAX_RETRIES=7$/m);
    assert.doesNotMatch(after.get('config.yaml')!, /src\.shop|orders\.py/);
  });

  test('a folder move renames every task file below it', () => {
    const { ws, files } = demo();
    const after = apply(files, features.renameFiles(ws, [{ oldPath: 'src/tasks', newPath: 'src/work' }], uriOf));
    assert.match(after.get('config.yaml')!, /^ {2}src\.work\.email\.sendEmail:/m);
    assert.match(after.get('config.yaml')!, /^ {2}src\.work\.billing\.chargeCard:/m);
  });
});

describe('the Tasks view', () => {
  test('every task with its eleven values, sources, errors and defaults', () => {
    const { ws } = demo();
    const rows = features.taskRows(ws);
    assert.deepEqual(rows.map((r) => r.id), ['src.tasks.billing.chargeCard', 'src.tasks.billing.refund', 'src.tasks.email.sendDigest', 'src.tasks.email.sendEmail']);
    const email = rows.find((r) => r.id === 'src.tasks.email.sendEmail')!;
    assert.equal(email.module, 'src.tasks.email');
    assert.equal(email.file, 'src/tasks/email.ts');
    assert.equal(email.fields.length, 11);
    const retries = email.fields.find((f) => f.field === 'max_retries')!;
    assert.deepEqual([retries.value, retries.source, retries.atDefault, retries.file, retries.line], ['7', 'PYNENC__CONFIGTASK__MAX_RETRIES (.env:2)', false, '.env', 1]);
    assert.equal(email.hasProblems, true, 'retry_for from .env is an error');
    assert.ok(email.fields.find((f) => f.field === 'force_new_workflow')!.atDefault);
  });
});
