// Completion at every level (SPEC §7), asked of the real server over stdio with
// the cursor marked `|` in the document. Accepting any item must leave a clean
// line: no `: :`, no duplicated key.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CompletionItem, Position } from 'vscode-languageserver-protocol/node';
import { APP, assertCleanLine, item, labels } from './assertions';
import { applyCompletion, LspTestClient, OpenDocument, useServer } from './lspClient';

let client: LspTestClient;
const opened: OpenDocument[] = [];

useServer(APP, opened, (started) => (client = started));

interface Completion {
  readonly items: CompletionItem[];
  /** The whole text after accepting the item with `label`. */
  accept(label: string): string;
  /** The cursor's line after accepting the item with `label`. */
  lineAfter(label: string): string;
}

/** Opens `path` with `marked` text and asks for completion at its `|`; every item must leave a clean line. */
async function complete(path: string, marked: string): Promise<Completion> {
  for (const earlier of opened.filter((d) => d.path === path)) {
    await client.close(earlier);
    opened.splice(opened.indexOf(earlier), 1);
  }
  const doc = await client.open(path, marked);
  opened.push(doc);
  assert.equal(doc.cursors.length, 1, 'one cursor');
  const at: Position = doc.cursors[0];
  const items = await client.completion(doc.uri, at);
  const accept = (label: string) => applyCompletion(doc.text, item(items, label), at);
  const lineAfter = (label: string) => {
    // Lines added above the cursor by additional edits (an import) move it down.
    const importLines = (item(items, label).additionalTextEdits ?? []).reduce((n, e) => n + e.newText.split('\n').length - 1, 0);
    return accept(label).split('\n')[at.line + importLines];
  };
  for (const candidate of items) {
    const result = applyCompletion(doc.text, candidate, at);
    for (const line of result.split('\n')) assertCleanLine(line, syntaxOf(path));
  }
  return { items, accept, lineAfter };
}

function syntaxOf(path: string): 'yaml' | 'env' | 'typescript' {
  return path.endsWith('.ts') ? 'typescript' : path.endsWith('.env') ? 'env' : 'yaml';
}

const CONFIG = 'config.yaml';
const FIELDS = ['parallel_batch_size', 'retry_for', 'max_retries', 'running_concurrency', 'registration_concurrency', 'key_arguments', 'on_diff_non_key_args_raise', 'call_result_cache', 'disable_cache_args', 'force_new_workflow', 'reroute_on_concurrency_control'];
const TASKS = ['src.tasks.billing.chargeCard', 'src.tasks.billing.refund', 'src.tasks.email.sendDigest', 'src.tasks.email.sendEmail'];

describe('YAML keys', () => {
  test('top level: every field not yet written, and the task section', async () => {
    const c = await complete(CONFIG, 'parallel_batch_size: 50\nmax_re|\n');
    assert.deepEqual(labels(c.items).sort(), [...FIELDS.filter((f) => f !== 'parallel_batch_size'), 'task'].sort());
    assert.equal(c.lineAfter('max_retries'), 'max_retries: ');
    assert.equal(c.accept('task'), 'parallel_batch_size: 50\ntask:\n  \n');
  });

  test('a half-typed key before an existing colon keeps its value', async () => {
    const c = await complete(CONFIG, 'ma|x: 3\n');
    assert.equal(c.accept('max_retries'), 'max_retries: 3\n');
  });

  test('under task: fields and the ids of tasks without a section', async () => {
    const c = await complete(CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n  |\n');
    for (const field of FIELDS) assert.ok(labels(c.items).includes(field), field);
    assert.deepEqual(labels(c.items).filter((l) => l.startsWith('src.')).sort(), TASKS.filter((t) => t !== 'src.tasks.email.sendEmail'));
    assert.equal(c.accept('src.tasks.billing.refund'), 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n  src.tasks.billing.refund:\n    \n');
  });

  test('in a per-task section: fields not yet set there, and no task ids', async () => {
    const c = await complete(CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    run|\n');
    assert.deepEqual(labels(c.items).sort(), FIELDS.filter((f) => f !== 'max_retries').sort());
    assert.equal(c.lineAfter('running_concurrency'), '    running_concurrency: ');
  });

  test('a key whose name was already typed is offered again for itself, not duplicated', async () => {
    const c = await complete(CONFIG, 'task:\n  max_retr|ies: 1\n');
    assert.equal(c.accept('max_retries'), 'task:\n  max_retries: 1\n');
  });
});

describe('YAML values', () => {
  test('enum values after `key: `', async () => {
    const c = await complete(CONFIG, 'task:\n  running_concurrency: |\n');
    assert.deepEqual(labels(c.items), ['disabled', 'task', 'arguments', 'keys']);
    assert.equal(c.lineAfter('keys'), '  running_concurrency: keys');
  });

  test('a half-typed enum value is replaced, not appended to', async () => {
    const c = await complete(CONFIG, 'task:\n  src.tasks.billing.refund:\n    registration_concurrency: KE|\n');
    assert.equal(c.lineAfter('keys'), '    registration_concurrency: keys');
  });

  test('right after the colon, a value comes with its space', async () => {
    const c = await complete(CONFIG, 'task:\n  running_concurrency:|\n');
    assert.equal(c.lineAfter('task'), '  running_concurrency: task');
  });

  test('booleans', async () => {
    const c = await complete(CONFIG, 'call_result_cache: |\n');
    assert.deepEqual(labels(c.items), ['true', 'false']);
    assert.equal(c.lineAfter('false'), 'call_result_cache: false');
  });

  test('exception names in retry_for: workspace classes and built-ins, qualified, never a non-Error', async () => {
    const c = await complete(CONFIG, 'task:\n  retry_for: [|]\n');
    for (const name of ['src.errors.network.NetworkError', 'src.errors.base.AppError', 'builtins.TypeError', 'builtins.Error', 'tasklens.RetryError']) assert.ok(labels(c.items).includes(name), name);
    assert.ok(!labels(c.items).some((l) => l.includes('RateLimitNotice')), 'RateLimitNotice does not extend Error');
    assert.equal(c.lineAfter('src.errors.network.NetworkError'), '  retry_for: [src.errors.network.NetworkError]');
  });

  test('exception names outside a list become a one-item list; in a block list, an item', async () => {
    const flow = await complete(CONFIG, 'retry_for: |\n');
    assert.equal(flow.lineAfter('builtins.TypeError'), 'retry_for: [builtins.TypeError]');
    const block = await complete(CONFIG, 'retry_for:\n  - builtins.TypeError\n  - |\n');
    assert.equal(block.lineAfter('src.errors.network.NetworkError'), '  - src.errors.network.NetworkError');
  });

  test("parameter names of the section's task in key_arguments", async () => {
    const c = await complete(CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    key_arguments: [to, |]\n');
    assert.deepEqual(labels(c.items).sort(), ['body', 'subject', 'to']);
    assert.equal(c.lineAfter('subject'), '    key_arguments: [to, subject]');
  });

  test('parameter names and "*" in disable_cache_args, as a list', async () => {
    const c = await complete(CONFIG, 'task:\n  src.tasks.billing.chargeCard:\n    disable_cache_args: |\n');
    assert.deepEqual(labels(c.items).sort(), ['*', 'amountCents', 'customerId']);
    assert.equal(c.lineAfter('amountCents'), '    disable_cache_args: [amountCents]');
  });
});

describe('.env names and values', () => {
  test('after PYNENC__CONFIGTASK__: class-level fields and one per-task prefix per task; then that task\'s fields', async () => {
    const c = await complete('.env', 'PYNENC__CONFIGTASK__|\n');
    for (const field of FIELDS) assert.ok(labels(c.items).includes(`PYNENC__CONFIGTASK__${field.toUpperCase()}`), field);
    assert.ok(labels(c.items).includes('PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__'));
    assert.ok(labels(c.items).includes('PYNENC__CONFIGTASK__SRC.TASKS.BILLING#CHARGECARD__'));
    assert.ok(!labels(c.items).includes('PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES'), 'fields come in a second step');
    assert.equal(c.items.find((i) => i.label === 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__')?.command?.command, 'editor.action.triggerSuggest');
    const task = await complete('.env', 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__|\n');
    assert.deepEqual(labels(task.items).sort(), FIELDS.map((f) => `PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__${f.toUpperCase()}`).sort());
    assert.equal(task.lineAfter('PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES'), 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES=');
    assert.equal(task.items[0].documentation, undefined, 'documentation comes with completionItem/resolve');
  });

  test('a half-typed name before an existing value keeps the value', async () => {
    const c = await complete('.env', 'PYNENC__CONFIGTASK__MAX_RE|=3\n');
    assert.equal(c.lineAfter('PYNENC__CONFIGTASK__MAX_RETRIES'), 'PYNENC__CONFIGTASK__MAX_RETRIES=3');
  });

  test('enum and bool values', async () => {
    const enumValues = await complete('.env', 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=|\n');
    assert.deepEqual(labels(enumValues.items), ['disabled', 'task', 'arguments', 'keys']);
    assert.equal(enumValues.lineAfter('keys'), 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=keys');
    const bools = await complete('.env', 'PYNENC__FORCE_NEW_WORKFLOW=|\n');
    assert.ok(labels(bools.items).includes('true'));
    assert.ok(!labels(bools.items).includes('false'), "'false' would be a non-empty string: true");
  });
});

describe('task() options', () => {
  const SCRATCH = 'src/tasks/scratch.ts';
  const head = "import { task, ConcurrencyControlType } from '../../lib/tasks';\n";

  test('field names inside the options object, without those already set', async () => {
    const c = await complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { max_retries: 1, | });\n`);
    assert.deepEqual(labels(c.items).sort(), FIELDS.filter((f) => f !== 'max_retries').sort());
    assert.equal(c.lineAfter('call_result_cache'), 'export const sync = task((userId: string) => userId, { max_retries: 1, call_result_cache:  });');
  });

  test('a half-typed option key', async () => {
    const c = await complete(SCRATCH, `${head}export const sync = task({ max_re| }, (userId: string) => userId);\n`);
    assert.equal(c.lineAfter('max_retries'), 'export const sync = task({ max_retries:  }, (userId: string) => userId);');
  });

  test('enum values and booleans right after `key: `', async () => {
    const enumValues = await complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { running_concurrency: | });\n`);
    assert.deepEqual(labels(enumValues.items), ['disabled', 'task', 'arguments', 'keys']);
    assert.equal(enumValues.lineAfter('keys'), "export const sync = task((userId: string) => userId, { running_concurrency: 'keys' });");
    const bools = await complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { call_result_cache: |, max_retries: 1 });\n`);
    assert.deepEqual(labels(bools.items), ['true', 'false']);
  });

  test('a half-typed enum string is replaced whole', async () => {
    const c = await complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { running_concurrency: 'ke|' });\n`);
    assert.equal(c.lineAfter('keys'), "export const sync = task((userId: string) => userId, { running_concurrency: 'keys' });");
  });

  test('parameter names of the task function in key_arguments', async () => {
    const c = await complete(SCRATCH, `${head}export const sync = task((userId: string, force: boolean) => userId, { key_arguments: ['|'] });\n`);
    assert.deepEqual(labels(c.items).sort(), ['force', 'userId']);
    assert.equal(c.lineAfter('userId'), "export const sync = task((userId: string, force: boolean) => userId, { key_arguments: ['userId'] });");
  });

  test('exception classes in retry_for, with an import for a class not yet in scope', async () => {
    const c = await complete(SCRATCH, `${head}export const sync = task((userId: string) => userId, { retry_for: [Netw|] });\n`);
    assert.ok(labels(c.items).includes('TypeError'));
    assert.ok(!labels(c.items).includes('RateLimitNotice'));
    const accepted = c.accept('NetworkError');
    assert.equal(accepted, `import { NetworkError } from '../errors/network';\n${head}export const sync = task((userId: string) => userId, { retry_for: [NetworkError] });\n`);
    const builtin = item(c.items, 'TypeError');
    assert.equal(builtin.additionalTextEdits, undefined, 'a built-in needs no import');
  });

  test('exception classes right after `retry_for: ` come as a one-item list', async () => {
    const c = await complete(SCRATCH, `${head}import { NetworkError } from '../errors';\nexport const sync = task((userId: string) => userId, { retry_for: | });\n`);
    const accepted = c.accept('NetworkError');
    assert.ok(accepted.endsWith('{ retry_for: [NetworkError] });\n'), accepted);
    assert.ok(!accepted.startsWith('import { NetworkError } from'), 'already imported: no second import');
  });
});
