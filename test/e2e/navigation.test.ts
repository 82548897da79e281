// Navigation (SPEC §7) from the real server over stdio: go to definition from
// a per-task YAML key, a per-task env var or an exception name; references from
// a task to every config entry and env var that targets it; document symbols;
// inlay hints on overridden task() options; and the custom requests.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { DocumentSymbol, InlayHint, Location, SymbolKind } from 'vscode-languageserver-protocol/node';
import { APP, fieldRows, rangeText } from './assertions';
import { LspTestClient, OpenDocument, positionAt, useServer } from './lspClient';

let client: LspTestClient;
const opened: OpenDocument[] = [];

useServer(APP, opened, (started) => (client = started));

function disk(file: string): string {
  return fs.readFileSync(path.join(APP, file), 'utf8');
}

/** Opens an app file as it is on disk. */
async function openDisk(file: string): Promise<OpenDocument> {
  const doc = await client.openPlain(file, disk(file));
  opened.push(doc);
  return doc;
}

/** The position of the `nth` occurrence of `needle` in a text, plus `into` characters. */
function at(text: string, needle: string, into = 1, nth = 0): { line: number; character: number } {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, needle);
  return positionAt(text, offset + into);
}

/** `file:line:start-end` of a location, for exact comparisons. */
function where(location: Location): string {
  return `${path.relative(APP, new URL(location.uri).pathname)}:${rangeText(location.range)}`;
}

/** Where `needle` is written in an app file, as `where` prints it. */
function written(file: string, needle: string, nth = 0): string {
  const text = disk(file);
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `${needle} in ${file}`);
  const start = positionAt(text, offset);
  const end = positionAt(text, offset + needle.length);
  return `${file}:${rangeText({ start, end })}`;
}

describe('go to definition', () => {
  test('from a per-task YAML key to the task() declaration', async () => {
    const doc = await openDisk('config.yaml');
    const locations = await client.definition(doc.uri, at(doc.text, 'src.tasks.email.sendEmail', 5));
    assert.deepEqual(locations.map(where), [written('src/tasks/email.ts', 'sendEmail')]);
  });

  test('from a per-task env var to the task() declaration', async () => {
    const doc = await openDisk('.env');
    const locations = await client.definition(doc.uri, at(doc.text, 'SRC.TASKS.EMAIL#SENDEMAIL'));
    assert.deepEqual(locations.map(where), [written('src/tasks/email.ts', 'sendEmail')]);
  });

  test('from an exception name in YAML to its class, two inheritance steps from Error', async () => {
    const doc = await openDisk('config.yaml');
    const locations = await client.definition(doc.uri, at(doc.text, 'NetworkError]'));
    assert.deepEqual(locations.map(where), [written('src/errors/network.ts', 'NetworkError', 1)]);
  });

  test('from an exception identifier in task() options, through a re-exporting index, to its class', async () => {
    const doc = await openDisk('src/tasks/email.ts');
    const locations = await client.definition(doc.uri, at(doc.text, 'NetworkError,'));
    assert.deepEqual(locations.map(where), [written('src/errors/network.ts', 'NetworkError', 1)]);
  });

  test('nowhere from a plain field', async () => {
    const doc = await openDisk('config.yaml');
    assert.deepEqual(await client.definition(doc.uri, at(doc.text, 'parallel_batch_size')), []);
  });
});

describe('find references', () => {
  test("from a task's name in TypeScript: its config section and its env vars", async () => {
    const doc = await openDisk('src/tasks/email.ts');
    const refs = await client.references(doc.uri, at(doc.text, 'sendEmail'));
    assert.deepEqual(refs.map(where).sort(), [
      written('.env', 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES'),
      written('config.yaml', 'src.tasks.email.sendEmail'),
    ]);
  });

  test('with the declaration when asked for it', async () => {
    const doc = await openDisk('src/tasks/email.ts');
    const refs = await client.references(doc.uri, at(doc.text, 'sendEmail'), true);
    assert.ok(refs.map(where).includes(written('src/tasks/email.ts', 'sendEmail')), refs.map(where).join('\n'));
    assert.equal(refs.length, 3);
  });

  test('from a per-task YAML key: the other entries that target the task', async () => {
    const doc = await openDisk('config.yaml');
    const refs = await client.references(doc.uri, at(doc.text, 'src.tasks.email.sendEmail', 3));
    assert.ok(refs.map(where).includes(written('.env', 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES')), refs.map(where).join('\n'));
  });

  test('a task no config targets has no references', async () => {
    const doc = await openDisk('src/tasks/billing.ts');
    assert.deepEqual(await client.references(doc.uri, at(doc.text, 'refund')), []);
  });
});

describe('document symbols', () => {
  test('config.yaml: top-level fields, the task section, per-task sections and their fields', async () => {
    const doc = await openDisk('config.yaml');
    const symbols = await client.documentSymbol(doc.uri);
    const kindName = (kind: SymbolKind) => Object.entries(SymbolKind).find(([, v]) => v === kind)?.[0];
    const outline = (list: readonly DocumentSymbol[]): unknown[] => list.map((s) => (s.children && s.children.length > 0 ? [s.name, kindName(s.kind), outline(s.children)] : [s.name, kindName(s.kind), s.detail ?? null]));
    assert.deepEqual(outline(symbols), [
      ['parallel_batch_size', 'Property', '50'],
      ['task', 'Namespace', [
        ['max_retries', 'Property', '1'],
        ['retry_for', 'Property', '["src.errors.network.NetworkError"]'],
        ['src.tasks.email.sendEmail', 'Function', [['max_retries', 'Property', '5'], ['running_concurrency', 'Property', 'keys']]],
        ['src.tasks.billing.chargeCard', 'Function', [['call_result_cache', 'Property', 'true']]],
      ]],
    ]);
    const section = symbols[1].children![2];
    assert.equal(rangeText(section.selectionRange), rangeText({ start: at(doc.text, 'src.tasks.email.sendEmail', 0), end: at(doc.text, 'src.tasks.email.sendEmail', 25) }));
    assert.ok(section.range.end.line >= section.children![1].range.end.line, 'a section covers its fields');
  });
});

describe('inlay hints', () => {
  function hintText(hint: InlayHint): string {
    return typeof hint.label === 'string' ? hint.label : hint.label.map((p) => p.value).join('');
  }

  test('after each task() option that is overridden: the value in force and where it comes from', async () => {
    const doc = await openDisk('src/tasks/email.ts');
    const lines = doc.text.split('\n');
    const hints = await client.inlayHint(doc.uri, { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } });
    const shown = hints.map((h) => `${lines[h.position.line].slice(0, h.position.character).trim()}${hintText(h)}`);
    assert.deepEqual(shown, [
      'max_retries: 2 → 7 (PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2))',
      'retry_for: [NetworkError, TypeError] → ["src.errors.network.NetworkError"] (config.yaml:6 (class))',
      'running_concurrency: ConcurrencyControlType.KEYS → "keys" (config.yaml:10 (task))',
    ]);
  });

  test('none for options that take effect, nor outside the requested range', async () => {
    const doc = await openDisk('src/tasks/email.ts');
    const digestLine = at(doc.text, 'sendDigest').line;
    const hints = await client.inlayHint(doc.uri, { start: { line: digestLine, character: 0 }, end: { line: digestLine + 4, character: 0 } });
    assert.deepEqual(hints, []);
  });
});

describe('the first index', () => {
  test('reports work-done progress from begin to end, and says how many tasks it found', () => {
    assert.deepEqual(client.progress.filter((p) => p.kind !== 'report'), [{ kind: 'begin', title: 'Tasklens: indexing tasks' }, { kind: 'end', title: undefined }]);
    assert.ok(client.logs.some((l) => /indexed \d+ task files in \d+ ms: 4 tasks/.test(l)), client.logs.join('\n'));
  });
});

describe('custom requests', () => {
  test('tasklens/listTasks: every task with where it is defined', async () => {
    const tasks = await client.listTasks();
    assert.deepEqual(tasks.map((t) => `${t.id} ${path.relative(APP, new URL(t.uri ?? 'file:///none').pathname)}:${t.line}`), [
      'src.tasks.billing.chargeCard src/tasks/billing.ts:2',
      'src.tasks.billing.refund src/tasks/billing.ts:6',
      'src.tasks.email.sendDigest src/tasks/email.ts:16',
      'src.tasks.email.sendEmail src/tasks/email.ts:3',
    ]);
    assert.ok(tasks.every((t) => t.folderUri === client.uri('').replace(/\/$/, '')), tasks[0].folderUri);
  });

  test('tasklens/explainTask: the eleven effective values as a Markdown table', async () => {
    const result = await client.explainTask('src.tasks.email.sendEmail');
    assert.ok(result);
    assert.equal(result.id, 'src.tasks.email.sendEmail');
    const rows = fieldRows(result.markdown);
    assert.equal(rows.length, 11);
    assert.ok(rows[2].startsWith('| `max_retries` | `7` |'), rows[2]);
  });

  test('tasklens/explainTask: nothing for a string that is no task id', async () => {
    assert.equal(await client.explainTask('not-a-task-id'), null);
  });
});
