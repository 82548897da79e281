// Hovers (SPEC §7) from the real server over stdio: a field's effective value
// with the whole chain of sources, the reach of a generic or class-level
// value, a task's eleven values, an exception's bases, `.env` keys, and the
// TypeScript side. The cursor is marked `|`.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { APP, fieldRows, hoverText } from './assertions';
import { LspTestClient, OpenDocument, textIn, useServer } from './lspClient';

let client: LspTestClient;
const opened: OpenDocument[] = [];

useServer(APP, opened, (started) => (client = started));

/** Opens `file` with `marked` text and hovers at its `|`; returns the markdown and the text the hover covers. */
async function hoverAt(file: string, marked: string): Promise<{ markdown: string; covers: string }> {
  const doc = await client.open(file, marked);
  opened.push(doc);
  const hover = await client.hover(doc.uri, doc.cursors[0]);
  const markdown = hoverText(hover);
  assert.ok(hover?.range, 'the hover says what it covers');
  return { markdown, covers: textIn(doc.text, hover.range) };
}

/** The app's file on disk with a `|` inserted before the first occurrence of `before`. */
function diskWithCursor(file: string, before: string, nth = 0): string {
  const text = fs.readFileSync(path.join(APP, file), 'utf8');
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(before, at + 1);
  assert.ok(at >= 0, `${before} in ${file}`);
  return `${text.slice(0, at)}|${text.slice(at)}`;
}

/** Asserts that `parts` appear in `text` in this order. */
function assertInOrder(text: string, parts: readonly string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    assert.ok(at >= 0, `'${part}' after position ${from} in:\n${text}`);
    from = at + part.length;
  }
}

describe('config YAML', () => {
  test('a per-task field: description, type, default, and the chain with the winner marked and every file:line', async () => {
    const { markdown, covers } = await hoverAt('config.yaml', diskWithCursor('config.yaml', 'max_retries: 5'));
    assert.equal(covers, 'max_retries');
    // The value in force first, then what the field does.
    assertInOrder(markdown, [
      '**Effective for `src.tasks.email.sendEmail`: `7`**',
      '| ✔ | PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2) | `\'7\'` |',
      '|  | config.yaml:9 (task) ← here | `5` |',
      '|  | config.yaml:5 (class) | `1` |',
      '|  | task() options (src/tasks/email.ts:9) | `2` |',
      '**max_retries** — int, default `0`',
      'The retry limit',
    ]);
  });

  test('a generic value: how many tasks it reaches, and the sources it beats (pyproject.toml)', async () => {
    const { markdown } = await hoverAt('config.yaml', diskWithCursor('config.yaml', 'parallel_batch_size'));
    assertInOrder(markdown, [
      '**Reaches 4 of 4 tasks**: ',
      '| ✔ | config.yaml:2 (generic) ← here | `50` |',
      '|  | pyproject.toml:5 (generic) | `20` |',
      '**parallel_batch_size** — int, default `100`',
    ]);
  });

  test('a class-level value: the tasks it reaches and where it is overridden', async () => {
    const { markdown } = await hoverAt('config.yaml', diskWithCursor('config.yaml', 'max_retries: 1'));
    assertInOrder(markdown, [
      '**Reaches 3 of 4 tasks**: ',
      'Overridden for `src.tasks.email.sendEmail` by PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2)',
      '| ✔ | config.yaml:5 (class) ← here | `1` |',
    ]);
    for (const id of ['src.tasks.billing.chargeCard', 'src.tasks.billing.refund', 'src.tasks.email.sendDigest']) assert.ok(markdown.includes(`\`${id}\``), id);
  });

  test('a per-task section key: all eleven effective values with their sources', async () => {
    const { markdown, covers } = await hoverAt('config.yaml', diskWithCursor('config.yaml', 'src.tasks.email.sendEmail'));
    assert.equal(covers, 'src.tasks.email.sendEmail');
    assert.ok(markdown.startsWith('### Task `src.tasks.email.sendEmail`'), markdown);
    const rows = fieldRows(markdown);
    assert.equal(rows.length, 11, rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('| `max_retries` | `7` | PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2)')), rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('| `parallel_batch_size` | `50` | config.yaml:2 (generic)')), rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('| `force_new_workflow` | `true` | PYNENC__CONFIGTASK__FORCE_NEW_WORKFLOW (.env:3)')), rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('| `registration_concurrency` | `"disabled"` | default')), rows.join('\n'));
  });

  test('an exception name: its qualified name, declaration and base chain (two steps across files)', async () => {
    const { markdown, covers } = await hoverAt('config.yaml', diskWithCursor('config.yaml', 'NetworkError]'));
    assert.equal(covers, 'src.errors.network.NetworkError');
    assert.equal(markdown, '**src.errors.network.NetworkError** — declared in `src/errors/network.ts:4`\n\nBases: `src.errors.base.AppError` → `builtins.Error`');
  });

  test('an empty list item while typing shows the field, not an empty name', async () => {
    const { markdown } = await hoverAt('config.yaml', 'task:\n  retry_for:\n    - |\n');
    assert.ok(markdown.includes('**retry_for** — list of exception classes'), markdown);
  });

  test('in a file that fails to load: the error first, then what the rest would give, labelled', async () => {
    const { markdown } = await hoverAt('config.yaml', 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 5\n    max_re|tries: 6\n');
    assertInOrder(markdown, [
      '**Effective for `src.tasks.email.sendEmail`: ⚠ error**',
      '> Invalid YAML file config.yaml: duplicate entry with key "max_retries" (line 4)',
      '| ✖ | config.yaml:4 | file fails to load |',
      '_The runtime refuses the file; the parts that do parse would give_ `7` _from PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2)._',
    ]);
  });
});

describe('.env', () => {
  test('a class-level key: what it sets and which tasks it reaches', async () => {
    const { markdown, covers } = await hoverAt('.env', diskWithCursor('.env', 'FORCE_NEW_WORKFLOW'));
    assert.equal(covers, 'PYNENC__CONFIGTASK__FORCE_NEW_WORKFLOW=true');
    assertInOrder(markdown, [
      'Sets `force_new_workflow` for every task (class level; beats `PYNENC__FORCE_NEW_WORKFLOW`), over every config file.',
      '**Reaches 4 of 4 tasks**',
      '**force_new_workflow** — bool, default `false`',
    ]);
  });

  test('a per-task key: the chain for that task', async () => {
    const { markdown } = await hoverAt('.env', diskWithCursor('.env', 'SRC.TASKS.EMAIL'));
    assertInOrder(markdown, ['**Effective for `src.tasks.email.sendEmail`: `7`**', '| ✔ | PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2) |', '**max_retries**']);
  });
});

describe('TypeScript', () => {
  test("a task's name: its eleven effective values, where it is defined and its parameters", async () => {
    const { markdown, covers } = await hoverAt('src/tasks/email.ts', diskWithCursor('src/tasks/email.ts', 'sendEmail'));
    assert.equal(covers, 'sendEmail');
    assert.ok(markdown.startsWith('### Task `src.tasks.email.sendEmail`'));
    assert.equal(fieldRows(markdown).length, 11);
    assert.ok(markdown.endsWith('Defined in `src/tasks/email.ts` with parameters `to`, `subject`, `body`.'), markdown);
  });

  test('an option key: the chain, with the option itself marked', async () => {
    const { markdown, covers } = await hoverAt('src/tasks/email.ts', diskWithCursor('src/tasks/email.ts', 'max_retries'));
    assert.equal(covers, 'max_retries');
    assertInOrder(markdown, [
      '**Effective for `src.tasks.email.sendEmail`: `7`**',
      '| ✔ | PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2) |',
      '|  | task() options (src/tasks/email.ts:9) ← here | `2` |',
      '**max_retries** — int, default `0`',
    ]);
  });

  test('an exception identifier in retry_for, resolved through a re-exporting index', async () => {
    const { markdown } = await hoverAt('src/tasks/email.ts', diskWithCursor('src/tasks/email.ts', 'NetworkError,'));
    assert.equal(markdown, '**src.errors.network.NetworkError** — declared in `src/errors/network.ts:4`\n\nBases: `src.errors.base.AppError` → `builtins.Error`');
  });

  test('a task defined with task(options)(fn) and a named function expression', async () => {
    const { markdown } = await hoverAt('src/tasks/email.ts', diskWithCursor('src/tasks/email.ts', 'sendDigest', 1));
    assert.ok(markdown.startsWith('### Task `src.tasks.email.sendDigest`'), markdown);
    assert.ok(fieldRows(markdown).some((r) => r.startsWith('| `call_result_cache` | `true` | task() options (src/tasks/email.ts:16)')), markdown);
  });
});
