// Completion at every level (SPEC §7), asked of the features facade over the
// `app` fixture with the cursor marked `|`. Accepting any item must leave a
// clean line: no `: :`, no duplicated key (checked by `completeAt`).
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { item, labels } from './assertions';
import { completeAt, fixture } from './harness';

/** Completion in a fresh `app` workspace with `file` open at `marked`. */
function complete(file: string, marked: string) {
  return completeAt(fixture('app'), file, marked);
}

const CONFIG = 'config.yaml';
const FIELDS = ['parallel_batch_size', 'retry_for', 'max_retries', 'running_concurrency', 'registration_concurrency', 'key_arguments', 'on_diff_non_key_args_raise', 'call_result_cache', 'disable_cache_args', 'force_new_workflow', 'reroute_on_concurrency_control'];
const TASKS = ['src.tasks.billing.chargeCard', 'src.tasks.billing.refund', 'src.tasks.email.sendDigest', 'src.tasks.email.sendEmail'];

describe('YAML keys', () => {
  test('top level: every field not yet written, and the task section', () => {
    const c = complete(CONFIG, 'parallel_batch_size: 50\nmax_re|\n');
    assert.deepEqual(labels(c.items).sort(), [...FIELDS.filter((f) => f !== 'parallel_batch_size'), 'task'].sort());
    assert.equal(c.lineAfter('max_retries'), 'max_retries: ');
    assert.equal(c.accept('task'), 'parallel_batch_size: 50\ntask:\n  \n');
  });

  test('a half-typed key before an existing colon keeps its value', () => {
    const c = complete(CONFIG, 'ma|x: 3\n');
    assert.equal(c.accept('max_retries'), 'max_retries: 3\n');
  });

  test('under task: fields and the ids of tasks without a section', () => {
    const c = complete(CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n  |\n');
    for (const field of FIELDS) assert.ok(labels(c.items).includes(field), field);
    assert.deepEqual(labels(c.items).filter((l) => l.startsWith('src.')).sort(), TASKS.filter((t) => t !== 'src.tasks.email.sendEmail'));
    assert.equal(c.accept('src.tasks.billing.refund'), 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n  src.tasks.billing.refund:\n    \n');
  });

  test('in a per-task section: fields not yet set there, and no task ids', () => {
    const c = complete(CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    run|\n');
    assert.deepEqual(labels(c.items).sort(), FIELDS.filter((f) => f !== 'max_retries').sort());
    assert.equal(c.lineAfter('running_concurrency'), '    running_concurrency: ');
  });

  test('a key whose name was already typed is offered again for itself, not duplicated', () => {
    const c = complete(CONFIG, 'task:\n  max_retr|ies: 1\n');
    assert.equal(c.accept('max_retries'), 'task:\n  max_retries: 1\n');
  });
});

describe('YAML values', () => {
  test('enum values after `key: `', () => {
    const c = complete(CONFIG, 'task:\n  running_concurrency: |\n');
    assert.deepEqual(labels(c.items), ['disabled', 'task', 'arguments', 'keys']);
    assert.equal(c.lineAfter('keys'), '  running_concurrency: keys');
  });

  test('a half-typed enum value is replaced, not appended to', () => {
    const c = complete(CONFIG, 'task:\n  src.tasks.billing.refund:\n    registration_concurrency: KE|\n');
    assert.equal(c.lineAfter('keys'), '    registration_concurrency: keys');
  });

  test('right after the colon, a value comes with its space', () => {
    const c = complete(CONFIG, 'task:\n  running_concurrency:|\n');
    assert.equal(c.lineAfter('task'), '  running_concurrency: task');
  });

  test('booleans', () => {
    const c = complete(CONFIG, 'call_result_cache: |\n');
    assert.deepEqual(labels(c.items), ['true', 'false']);
    assert.equal(c.lineAfter('false'), 'call_result_cache: false');
  });

  test('exception names in retry_for: workspace classes and built-ins, qualified, never a non-Error', () => {
    const c = complete(CONFIG, 'task:\n  retry_for: [|]\n');
    for (const name of ['src.errors.network.NetworkError', 'src.errors.base.AppError', 'builtins.TypeError', 'builtins.Error', 'tasklens.RetryError']) assert.ok(labels(c.items).includes(name), name);
    assert.ok(!labels(c.items).some((l) => l.includes('RateLimitNotice')), 'RateLimitNotice does not extend Error');
    assert.equal(c.lineAfter('src.errors.network.NetworkError'), '  retry_for: [src.errors.network.NetworkError]');
  });

  test('exception names outside a list become a one-item list; in a block list, an item', () => {
    const flow = complete(CONFIG, 'retry_for: |\n');
    assert.equal(flow.lineAfter('builtins.TypeError'), 'retry_for: [builtins.TypeError]');
    const block = complete(CONFIG, 'retry_for:\n  - builtins.TypeError\n  - |\n');
    assert.equal(block.lineAfter('src.errors.network.NetworkError'), '  - src.errors.network.NetworkError');
  });

  test("parameter names of the section's task in key_arguments", () => {
    const c = complete(CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    key_arguments: [to, |]\n');
    assert.deepEqual(labels(c.items).sort(), ['body', 'subject'], 'not `to` again: the list holds it');
    assert.equal(c.lineAfter('subject'), '    key_arguments: [to, subject]');
  });

  test('parameter names and "*" in disable_cache_args, as a list', () => {
    const c = complete(CONFIG, 'task:\n  src.tasks.billing.chargeCard:\n    disable_cache_args: |\n');
    assert.deepEqual(labels(c.items).sort(), ['*', 'amountCents', 'customerId']);
    assert.equal(c.lineAfter('amountCents'), '    disable_cache_args: [amountCents]');
  });
});

describe('.env names and values', () => {
  test('after PYNENC__CONFIGTASK__: class-level fields and one per-task prefix per task; then that task\'s fields', () => {
    const c = complete('.env', 'PYNENC__CONFIGTASK__|\n');
    for (const field of FIELDS) assert.ok(labels(c.items).includes(`PYNENC__CONFIGTASK__${field.toUpperCase()}`), field);
    assert.ok(labels(c.items).includes('PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__'));
    assert.ok(labels(c.items).includes('PYNENC__CONFIGTASK__SRC.TASKS.BILLING#CHARGECARD__'));
    assert.ok(!labels(c.items).includes('PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES'), 'fields come in a second step');
    assert.equal(c.items.find((i) => i.label === 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__')?.command?.command, 'editor.action.triggerSuggest');
    const task = complete('.env', 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__|\n');
    assert.deepEqual(labels(task.items).sort(), FIELDS.map((f) => `PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__${f.toUpperCase()}`).sort());
    assert.equal(task.lineAfter('PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES'), 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES=');
    assert.equal(task.items[0].documentation, undefined, 'documentation comes with completionItem/resolve');
  });

  test('a half-typed name before an existing value keeps the value', () => {
    const c = complete('.env', 'PYNENC__CONFIGTASK__MAX_RE|=3\n');
    assert.equal(c.lineAfter('PYNENC__CONFIGTASK__MAX_RETRIES'), 'PYNENC__CONFIGTASK__MAX_RETRIES=3');
  });

  test('enum and bool values', () => {
    const enumValues = complete('.env', 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=|\n');
    assert.deepEqual(labels(enumValues.items), ['disabled', 'task', 'arguments', 'keys']);
    assert.equal(enumValues.lineAfter('keys'), 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=keys');
    const bools = complete('.env', 'PYNENC__FORCE_NEW_WORKFLOW=|\n');
    assert.ok(labels(bools.items).includes('true'));
    assert.ok(!labels(bools.items).includes('false'), "'false' would be a non-empty string: true");
  });
});

describe('task() options', () => {
  const SCRATCH = 'src/tasks/scratch.ts';
  const head = "import { task, ConcurrencyControlType } from '../../lib/tasks';\n";

  test('field names inside the options object, without those already set', () => {
    const c = complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { max_retries: 1, | });\n`);
    assert.deepEqual(labels(c.items).sort(), FIELDS.filter((f) => f !== 'max_retries').sort());
    assert.equal(c.lineAfter('call_result_cache'), 'export const sync = task((userId: string) => userId, { max_retries: 1, call_result_cache:  });');
  });

  test('a half-typed option key', () => {
    const c = complete(SCRATCH, `${head}export const sync = task({ max_re| }, (userId: string) => userId);\n`);
    assert.equal(c.lineAfter('max_retries'), 'export const sync = task({ max_retries:  }, (userId: string) => userId);');
  });

  test('enum values and booleans right after `key: `', () => {
    const enumValues = complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { running_concurrency: | });\n`);
    assert.deepEqual(labels(enumValues.items), ['disabled', 'task', 'arguments', 'keys']);
    assert.equal(enumValues.lineAfter('keys'), "export const sync = task((userId: string) => userId, { running_concurrency: 'keys' });");
    const bools = complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { call_result_cache: |, max_retries: 1 });\n`);
    assert.deepEqual(labels(bools.items), ['true', 'false']);
  });

  test('a half-typed enum string is replaced whole', () => {
    const c = complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { running_concurrency: 'ke|' });\n`);
    assert.equal(c.lineAfter('keys'), "export const sync = task((userId: string) => userId, { running_concurrency: 'keys' });");
  });

  test('parameter names of the task function in key_arguments', () => {
    const c = complete(SCRATCH, `${head}export const sync = task((userId: string, force: boolean) => userId, { key_arguments: ['|'] });\n`);
    assert.deepEqual(labels(c.items).sort(), ['force', 'userId']);
    assert.equal(c.lineAfter('userId'), "export const sync = task((userId: string, force: boolean) => userId, { key_arguments: ['userId'] });");
  });

  test('exception classes in retry_for, with an import for a class not yet in scope', () => {
    const c = complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { retry_for: [Netw|] });\n`);
    assert.ok(labels(c.items).includes('TypeError'));
    assert.ok(!labels(c.items).includes('RateLimitNotice'));
    const accepted = c.accept('NetworkError');
    assert.equal(accepted, `import { NetworkError } from '../errors/network';\n${head}export const sync = task((userId: string) => userId, { retry_for: [NetworkError] });\n`);
    const builtin = item(c.items, 'TypeError');
    assert.equal(builtin.additionalTextEdits, undefined, 'a built-in needs no import');
  });

  test('exception classes right after `retry_for: ` come as a one-item list', () => {
    const c = complete(SCRATCH, `${head}import { NetworkError } from '../errors';\nexport const sync = task((userId: string) => userId, { retry_for: | });\n`);
    const accepted = c.accept('NetworkError');
    assert.ok(accepted.endsWith('{ retry_for: [NetworkError] });\n'), accepted);
    assert.ok(!accepted.startsWith('import { NetworkError } from'), 'already imported: no second import');
  });

  test('nothing outside a task() call, nor in a file Tasklens does not read', () => {
    assert.deepEqual(complete(SCRATCH, `${head}export const other = { max_re| };\n`).items, []);
    assert.deepEqual(complete('notes.txt', 'max_re|\n').items, []);
  });
});
