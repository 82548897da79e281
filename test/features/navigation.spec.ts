// Navigation (SPEC §7) from the features facade over the `app` fixture: go to
// definition from a per-task YAML key, a per-task env var or an exception name;
// references from a task to every config entry and env var that targets it;
// document symbols; inlay hints on overridden task() options; the task list and
// the explanation behind the custom requests.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DocumentSymbol, InlayHint, Location, SymbolKind } from 'vscode-languageserver-types';
import { fieldRows, rangeText } from './assertions';
import { features, fixture, FixtureWorkspace, offsetOf } from './harness';
import { positionAt } from './text';

/** `file:line:start-end` of a location, for exact comparisons. */
function where(w: FixtureWorkspace, location: Location): string {
  return `${w.pathOf(location.uri)}:${rangeText(location.range)}`;
}

/** Where the `nth` occurrence of `needle` is written in a fixture file, as `where` prints it. */
function written(w: FixtureWorkspace, file: string, needle: string, nth = 0): string {
  const text = w.disk(file);
  const offset = offsetOf(text, needle, 0, nth);
  return `${file}:${rangeText({ start: positionAt(text, offset), end: positionAt(text, offset + needle.length) })}`;
}

/** Definitions from inside the `nth` `needle` of `file` as it is on disk (`into` characters in). */
function definitionAt(file: string, needle: string, into = 1, nth = 0): { w: FixtureWorkspace; found: string[] } {
  const w = fixture('app');
  const doc = w.openDisk(file);
  return { w, found: features.definition(w.ws, file, offsetOf(doc.text, needle, into, nth), w.uriOf).map((l) => where(w, l)) };
}

function referencesAt(file: string, needle: string, into = 1, includeDeclaration = false): { w: FixtureWorkspace; found: string[] } {
  const w = fixture('app');
  const doc = w.openDisk(file);
  return { w, found: features.references(w.ws, file, offsetOf(doc.text, needle, into), w.uriOf, includeDeclaration).map((l) => where(w, l)) };
}

describe('go to definition', () => {
  test('from a per-task YAML key to the task() declaration', () => {
    const { w, found } = definitionAt('config.yaml', 'src.tasks.email.sendEmail', 5);
    assert.deepEqual(found, [written(w, 'src/tasks/email.ts', 'sendEmail')]);
  });

  test('from a per-task env var to the task() declaration', () => {
    const { w, found } = definitionAt('.env', 'SRC.TASKS.EMAIL#SENDEMAIL');
    assert.deepEqual(found, [written(w, 'src/tasks/email.ts', 'sendEmail')]);
  });

  test('from an exception name in YAML to its class, two inheritance steps from Error', () => {
    const { w, found } = definitionAt('config.yaml', 'NetworkError]');
    assert.deepEqual(found, [written(w, 'src/errors/network.ts', 'NetworkError', 1)]);
  });

  test('from an exception identifier in task() options, through a re-exporting index, to its class', () => {
    const { w, found } = definitionAt('src/tasks/email.ts', 'NetworkError,');
    assert.deepEqual(found, [written(w, 'src/errors/network.ts', 'NetworkError', 1)]);
  });

  test('nowhere from a plain field', () => {
    assert.deepEqual(definitionAt('config.yaml', 'parallel_batch_size').found, []);
  });
});

describe('find references', () => {
  test("from a task's name in TypeScript: its config section and its env vars", () => {
    const { w, found } = referencesAt('src/tasks/email.ts', 'sendEmail');
    assert.deepEqual(found.sort(), [
      written(w, '.env', 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES'),
      written(w, 'config.yaml', 'src.tasks.email.sendEmail'),
    ]);
  });

  test('with the declaration when asked for it', () => {
    const { w, found } = referencesAt('src/tasks/email.ts', 'sendEmail', 1, true);
    assert.deepEqual(found.sort(), [
      written(w, '.env', 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES'),
      written(w, 'config.yaml', 'src.tasks.email.sendEmail'),
      written(w, 'src/tasks/email.ts', 'sendEmail'),
    ]);
  });

  test('from a per-task YAML key: the other entries that target the task', () => {
    const { w, found } = referencesAt('config.yaml', 'src.tasks.email.sendEmail', 3);
    assert.ok(found.includes(written(w, '.env', 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES')), found.join('\n'));
  });

  test('a task no config targets has no references', () => {
    assert.deepEqual(referencesAt('src/tasks/billing.ts', 'refund').found, []);
  });
});

describe('document symbols', () => {
  test('config.yaml: top-level fields, the task section, per-task sections and their fields', () => {
    const w = fixture('app');
    const doc = w.openDisk('config.yaml');
    const symbols = features.symbols(w.ws, 'config.yaml');
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
    const start = offsetOf(doc.text, 'src.tasks.email.sendEmail');
    assert.equal(rangeText(section.selectionRange), rangeText({ start: positionAt(doc.text, start), end: positionAt(doc.text, start + 'src.tasks.email.sendEmail'.length) }));
    assert.ok(section.range.end.line >= section.children![1].range.end.line, 'a section covers its fields');
  });

  test('none for a file that is not a config file', () => {
    const w = fixture('app');
    w.openDisk('.env');
    assert.deepEqual(features.symbols(w.ws, '.env'), []);
  });
});

describe('inlay hints', () => {
  function hintText(hint: InlayHint): string {
    return typeof hint.label === 'string' ? hint.label : hint.label.map((p) => p.value).join('');
  }

  test('after each task() option that is overridden: the value in force and where it comes from', () => {
    const w = fixture('app');
    const doc = w.openDisk('src/tasks/email.ts');
    const lines = doc.text.split('\n');
    const shown = features.inlayHints(w.ws, doc.path, 0, doc.text.length).map((h) => `${lines[h.position.line].slice(0, h.position.character).trim()}${hintText(h)}`);
    assert.deepEqual(shown, [
      'max_retries: 2 → 7 (PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2))',
      'retry_for: [NetworkError, TypeError] → ["src.errors.network.NetworkError"] (config.yaml:6 (class))',
      'running_concurrency: ConcurrencyControlType.KEYS → "keys" (config.yaml:10 (task))',
    ]);
  });

  test('none for options that take effect, nor outside the requested range', () => {
    const w = fixture('app');
    const doc = w.openDisk('src/tasks/email.ts');
    const digest = offsetOf(doc.text, 'sendDigest');
    const lines = doc.text.split('\n');
    const digestLine = positionAt(doc.text, digest).line;
    const end = lines.slice(0, digestLine + 4).join('\n').length;
    assert.deepEqual(features.inlayHints(w.ws, doc.path, digest - positionAt(doc.text, digest).character, end), []);
    // A range that shows part of the sendEmail call gets that call's hints.
    const first = offsetOf(doc.text, 'max_retries: 2');
    assert.equal(features.inlayHints(w.ws, doc.path, first, first + 'max_retries: 2'.length).length, 3);
  });
});

describe('the task list and explanations (tasklens/listTasks, tasklens/explainTask)', () => {
  test('every task with where it is defined', () => {
    const w = fixture('app');
    assert.deepEqual(features.listTasks(w.ws).map((t) => `${t.id} ${t.file}:${t.line}`), [
      'src.tasks.billing.chargeCard src/tasks/billing.ts:2',
      'src.tasks.billing.refund src/tasks/billing.ts:6',
      'src.tasks.email.sendDigest src/tasks/email.ts:16',
      'src.tasks.email.sendEmail src/tasks/email.ts:3',
    ]);
  });

  test('the eleven effective values as a Markdown table', () => {
    const w = fixture('app');
    const answer = features.explainTask(w.ws, 'src.tasks.email.sendEmail');
    assert.ok(answer.ok, 'a known task');
    const rows = fieldRows(features.explainToMarkdown(answer.resolution));
    assert.equal(rows.length, 11);
    assert.ok(rows[2].startsWith('| `max_retries` | `7` |'), rows[2]);
  });

  test('an unknown id: a did-you-mean, and nothing for a string that is no task id', () => {
    const w = fixture('app');
    assert.deepEqual(features.explainTask(w.ws, 'src.tasks.email.sendEmal'), { ok: false, message: "unknown task 'src.tasks.email.sendEmal' — did you mean 'src.tasks.email.sendEmail'? (4 known, defined by task code)" });
    assert.equal(features.explainTask(w.ws, 'not-a-task-id').ok, false);
  });
});
