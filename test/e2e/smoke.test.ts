// The real server over stdio (`node server/out/server.js --stdio`), one request
// of each kind on the `app` fixture: what the features answer in-process
// (test/features/) must reach an editor through LSP. Positions are computed
// from the fixture text; nothing here depends on the order of the tests.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Location } from 'vscode-languageserver-protocol/node';
import { APP, describeDiagnostics, expectDiagnostic, fieldRows, hoverText, labels, rangeText } from '../features/assertions';
import { applyWorkspaceEdit, LspTestClient, OpenDocument, positionAt, useServer } from './lspClient';

let client: LspTestClient;
const opened: OpenDocument[] = [];

useServer(APP, opened, (started) => (client = started));

function disk(file: string): string {
  return fs.readFileSync(path.join(APP, file), 'utf8');
}

async function openDisk(file: string): Promise<OpenDocument> {
  const doc = await client.openPlain(file, disk(file));
  opened.push(doc);
  return doc;
}

async function openMarked(file: string, marked: string) {
  const doc = await client.open(file, marked);
  opened.push(doc);
  return doc;
}

/** The position `into` characters inside the `nth` occurrence of `needle`. */
function at(text: string, needle: string, into = 1, nth = 0) {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, needle);
  return positionAt(text, offset + into);
}

/** `file:range` of the `nth` occurrence of `needle` in an app file, or of a location. */
function written(file: string, needle: string, nth = 0): string {
  const text = disk(file);
  const start = at(text, needle, 0, nth);
  return `${file}:${rangeText({ start, end: { line: start.line, character: start.character + needle.length } })}`;
}
function where(location: Location): string {
  return `${path.relative(APP, new URL(location.uri).pathname)}:${rangeText(location.range)}`;
}

describe('the first index', () => {
  test('reports work-done progress from begin to end, and says how many tasks it found', () => {
    assert.deepEqual(client.progress.filter((p) => p.kind !== 'report'), [{ kind: 'begin', title: 'Tasklens: indexing tasks' }, { kind: 'end', title: undefined }]);
    assert.ok(client.logs.some((l) => /indexed \d+ task files in \d+ ms: 4 tasks/.test(l)), client.logs.join('\n'));
  });
});

describe('one request of each kind', () => {
  test('textDocument/completion', async () => {
    const doc = await openMarked('config.yaml', 'task:\n  src.tasks.billing.refund:\n    registration_concurrency: KE|\n');
    const items = await client.completion(doc.uri, doc.cursors[0]);
    assert.deepEqual(labels(items), ['disabled', 'task', 'arguments', 'keys']);
  });

  test('textDocument/hover', async () => {
    const doc = await openDisk('config.yaml');
    const hover = await client.hover(doc.uri, at(doc.text, 'max_retries: 5', 0));
    assert.ok(hoverText(hover).startsWith('**Effective for `src.tasks.email.sendEmail`: `7`**'), hoverText(hover));
    assert.deepEqual(hover?.range, { start: at(doc.text, 'max_retries: 5', 0), end: at(doc.text, 'max_retries: 5', 'max_retries'.length) });
  });

  test('textDocument/publishDiagnostics, for the version sent, and textDocument/codeAction', async () => {
    const doc = await openMarked('config.yaml', 'task:\n  src.tasks.billing.refund:\n    running_concurrency: «KEYS»\n    key_arguments: [chargeId]\n');
    const diagnostics = await client.waitForDiagnostics(doc);
    const keys = expectDiagnostic(diagnostics, { code: 'TL004', range: doc.ranges[0], severity: 'error', message: /^'KEYS' is not a valid ConcurrencyControlType value .*did you mean 'keys'\?$/ });
    const actions = await client.codeAction(doc.uri, keys.range, [keys]);
    const fix = actions.find((a) => a.title === "Change to 'keys'");
    assert.ok(fix, actions.map((a) => a.title).join(', '));
    const fixed = applyWorkspaceEdit(doc.text, doc.uri, fix.edit);
    assert.equal(fixed, 'task:\n  src.tasks.billing.refund:\n    running_concurrency: keys\n    key_arguments: [chargeId]\n');
    await client.replaceText(doc, fixed);
    const after = await client.waitForDiagnostics(doc);
    assert.deepEqual(after, [], describeDiagnostics(after));
  });

  test('textDocument/definition', async () => {
    const doc = await openDisk('config.yaml');
    const locations = await client.definition(doc.uri, at(doc.text, 'src.tasks.email.sendEmail', 5));
    assert.deepEqual(locations.map(where), [written('src/tasks/email.ts', 'sendEmail')]);
  });

  test('textDocument/references', async () => {
    const doc = await openDisk('src/tasks/email.ts');
    const refs = await client.references(doc.uri, at(doc.text, 'sendEmail'), true);
    assert.deepEqual(refs.map(where).sort(), [
      written('.env', 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES'),
      written('config.yaml', 'src.tasks.email.sendEmail'),
      written('src/tasks/email.ts', 'sendEmail'),
    ]);
  });

  test('textDocument/documentSymbol', async () => {
    const doc = await openDisk('config.yaml');
    const symbols = await client.documentSymbol(doc.uri);
    assert.deepEqual(symbols.map((s) => s.name), ['parallel_batch_size', 'task']);
    assert.deepEqual(symbols[1].children?.map((s) => s.name), ['max_retries', 'retry_for', 'src.tasks.email.sendEmail', 'src.tasks.billing.chargeCard']);
  });

  test('textDocument/inlayHint', async () => {
    const doc = await openDisk('src/tasks/email.ts');
    const hints = await client.inlayHint(doc.uri, { start: { line: 0, character: 0 }, end: positionAt(doc.text, doc.text.length) });
    const first = hints[0];
    assert.equal(hints.length, 3);
    assert.deepEqual(first.position, at(doc.text, 'max_retries: 2', 'max_retries: 2'.length));
    assert.equal(first.label, ' → 7 (PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2))');
  });

  test('tasklens/listTasks', async () => {
    const tasks = await client.listTasks();
    assert.deepEqual(tasks.map((t) => `${t.id} ${path.relative(APP, new URL(t.uri ?? 'file:///none').pathname)}:${t.line}`), [
      'src.tasks.billing.chargeCard src/tasks/billing.ts:2',
      'src.tasks.billing.refund src/tasks/billing.ts:6',
      'src.tasks.email.sendDigest src/tasks/email.ts:16',
      'src.tasks.email.sendEmail src/tasks/email.ts:3',
    ]);
    assert.ok(tasks.every((t) => t.folderUri === client.uri('').replace(/\/$/, '')), tasks[0].folderUri);
  });

  test('tasklens/explainTask: the Markdown table, and null for a string that is no task id', async () => {
    const result = await client.explainTask('src.tasks.email.sendEmail');
    assert.equal(result?.id, 'src.tasks.email.sendEmail');
    const rows = fieldRows(result?.markdown ?? '');
    assert.equal(rows.length, 11);
    assert.ok(rows[2].startsWith('| `max_retries` | `7` |'), rows[2]);
    assert.equal(await client.explainTask('not-a-task-id'), null);
  });
});
