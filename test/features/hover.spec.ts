// Hovers (SPEC §7) from the features facade over the `app` fixture: a field's
// effective value with the whole chain of sources, the reach of a generic or
// class-level value, a task's eleven values, an exception's bases, `.env` keys,
// and the TypeScript side. The cursor is marked `|`, or put before a word of a
// fixture file as it is on disk.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fieldRows } from './assertions';
import { features, fixture, FixtureWorkspace, hoverAt, hoverOn } from './harness';

/** Hovers in a fresh `app` workspace at `marked`, opened as `file`. */
function hoverMarked(file: string, marked: string) {
  return hoverAt(fixture('app'), file, marked);
}

/** Hovers on the `nth` occurrence of `before` in `file` as it is on disk. */
function hoverDisk(file: string, before: string, nth = 0, w: FixtureWorkspace = fixture('app')) {
  return hoverOn(w, w.openDiskAt(file, before, nth));
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

const NETWORK_ERROR = '**src.errors.network.NetworkError** — declared in `src/errors/network.ts:4`\n\nBases: `src.errors.base.AppError` → `builtins.Error`';

describe('config YAML', () => {
  test('a per-task field: description, type, default, and the chain with the winner marked and every file:line', () => {
    const { markdown, covers } = hoverDisk('config.yaml', 'max_retries: 5');
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

  test('a generic value: how many tasks it reaches, and the sources it beats (pyproject.toml)', () => {
    const { markdown } = hoverDisk('config.yaml', 'parallel_batch_size');
    assertInOrder(markdown, [
      '**Reaches 4 of 4 tasks**: ',
      '| ✔ | config.yaml:2 (generic) ← here | `50` |',
      '|  | pyproject.toml:5 (generic) | `20` |',
      '**parallel_batch_size** — int, default `100`',
    ]);
  });

  test('a class-level value: the tasks it reaches and where it is overridden', () => {
    const { markdown } = hoverDisk('config.yaml', 'max_retries: 1');
    assertInOrder(markdown, [
      '**Reaches 3 of 4 tasks**: ',
      'Overridden for `src.tasks.email.sendEmail` by PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2)',
      '| ✔ | config.yaml:5 (class) ← here | `1` |',
    ]);
    for (const id of ['src.tasks.billing.chargeCard', 'src.tasks.billing.refund', 'src.tasks.email.sendDigest']) assert.ok(markdown.includes(`\`${id}\``), id);
  });

  test('a per-task section key: all eleven effective values with their sources', () => {
    const { markdown, covers } = hoverDisk('config.yaml', 'src.tasks.email.sendEmail');
    assert.equal(covers, 'src.tasks.email.sendEmail');
    assert.ok(markdown.startsWith('### Task `src.tasks.email.sendEmail`'), markdown);
    const rows = fieldRows(markdown);
    assert.equal(rows.length, 11, rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('| `max_retries` | `7` | PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2)')), rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('| `parallel_batch_size` | `50` | config.yaml:2 (generic)')), rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('| `force_new_workflow` | `true` | PYNENC__CONFIGTASK__FORCE_NEW_WORKFLOW (.env:3)')), rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('| `registration_concurrency` | `"disabled"` | default')), rows.join('\n'));
  });

  test('an exception name: its qualified name, declaration and base chain (two steps across files)', () => {
    const { markdown, covers } = hoverDisk('config.yaml', 'NetworkError]');
    assert.equal(covers, 'src.errors.network.NetworkError');
    assert.equal(markdown, NETWORK_ERROR);
  });

  test('an empty list item while typing shows the field, not an empty name', () => {
    const { markdown } = hoverMarked('config.yaml', 'task:\n  retry_for:\n    - |\n');
    assert.ok(markdown.includes('**retry_for** — list of exception classes'), markdown);
  });

  test('in a file that fails to load: the error first, then what the rest would give, labelled', () => {
    const { markdown } = hoverMarked('config.yaml', 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 5\n    max_re|tries: 6\n');
    assertInOrder(markdown, [
      '**Effective for `src.tasks.email.sendEmail`: ⚠ error**',
      '> Invalid YAML file config.yaml: duplicate entry with key "max_retries" (line 4)',
      '| ✖ | config.yaml:4 | file fails to load |',
      '_The runtime refuses the file; the parts that do parse would give_ `7` _from PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2)._',
    ]);
  });

  test('nothing on a comment or on blank space', () => {
    const w = fixture('app');
    assert.equal(features.hover(w.ws, 'config.yaml', w.open('config.yaml', '# a |note\nmax_retries: 1\n').offset), null);
    assert.equal(features.hover(w.ws, 'config.yaml', w.open('config.yaml', 'max_retries: 1\n|\n').offset), null);
  });
});

describe('.env', () => {
  test('a class-level key: what it sets and which tasks it reaches', () => {
    const { markdown, covers } = hoverDisk('.env', 'FORCE_NEW_WORKFLOW');
    assert.equal(covers, 'PYNENC__CONFIGTASK__FORCE_NEW_WORKFLOW=true');
    assertInOrder(markdown, [
      'Sets `force_new_workflow` for every task (class level; beats `PYNENC__FORCE_NEW_WORKFLOW`), over every config file.',
      '**Reaches 4 of 4 tasks**',
      '**force_new_workflow** — bool, default `false`',
    ]);
  });

  test('a per-task key: the chain for that task', () => {
    const { markdown } = hoverDisk('.env', 'SRC.TASKS.EMAIL');
    assertInOrder(markdown, ['**Effective for `src.tasks.email.sendEmail`: `7`**', '| ✔ | PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2) |', '**max_retries**']);
  });
});

describe('TypeScript', () => {
  test("a task's name: its eleven effective values, where it is defined and its parameters", () => {
    const { markdown, covers } = hoverDisk('src/tasks/email.ts', 'sendEmail');
    assert.equal(covers, 'sendEmail');
    assert.ok(markdown.startsWith('### Task `src.tasks.email.sendEmail`'));
    assert.equal(fieldRows(markdown).length, 11);
    assert.ok(markdown.endsWith('Defined in `src/tasks/email.ts` with parameters `to`, `subject`, `body`.'), markdown);
  });

  test('an option key: the chain, with the option itself marked', () => {
    const { markdown, covers } = hoverDisk('src/tasks/email.ts', 'max_retries');
    assert.equal(covers, 'max_retries');
    assertInOrder(markdown, [
      '**Effective for `src.tasks.email.sendEmail`: `7`**',
      '| ✔ | PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2) |',
      '|  | task() options (src/tasks/email.ts:9) ← here | `2` |',
      '**max_retries** — int, default `0`',
    ]);
  });

  test('an exception identifier in retry_for, resolved through a re-exporting index', () => {
    const { markdown } = hoverDisk('src/tasks/email.ts', 'NetworkError,');
    assert.equal(markdown, NETWORK_ERROR);
  });

  test('a task defined with task(options)(fn) and a named function expression', () => {
    const { markdown } = hoverDisk('src/tasks/email.ts', 'sendDigest', 1);
    assert.ok(markdown.startsWith('### Task `src.tasks.email.sendDigest`'), markdown);
    assert.ok(fieldRows(markdown).some((r) => r.startsWith('| `call_result_cache` | `true` | task() options (src/tasks/email.ts:16)')), markdown);
  });

  test('an edit in the editor moves the lines the chain names', () => {
    const w = fixture('app');
    const text = `// a comment above\n\n${w.disk('src/tasks/email.ts')}`;
    const doc = w.open('src/tasks/email.ts', text.replace('max_retries', '|max_retries'));
    assert.ok(hoverOn(w, doc).markdown.includes('|  | task() options (src/tasks/email.ts:11) ← here | `2` |'), hoverOn(w, doc).markdown);
  });
});
