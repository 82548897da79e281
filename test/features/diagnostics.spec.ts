// Every diagnostic code of SPEC §7 (TL001–TL022) from the features facade, for
// documents opened in the `app` fixture workspace. Expected ranges are marked
// `«…»` in the document text; none is read back from the diagnostic itself.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codes, describeDiagnostics, expectDiagnostic, hoverText } from './assertions';
import { diagnoseMarked, features, fixture } from './harness';

/** Opens `path` with `marked` text in a fresh `app` workspace and returns its diagnostics and marked ranges. */
function diagnose(path: string, marked: string) {
  return diagnoseMarked(fixture('app'), path, marked);
}

const CONFIG = 'config.yaml';
const ENV = '.env';
/** A TypeScript file that exists only in the editor: module `src.tasks.scratch`. */
const SCRATCH = 'src/tasks/scratch.ts';

describe('load failures: the runtime refuses the whole file', () => {
  test('TL001: a YAML syntax error', () => {
    // Placed where the parser gave up: the first key after the unclosed list.
    const { diagnostics, doc } = diagnose(CONFIG, 'parallel_batch_size: 50\ntask:\n  max_retries: [1, 2\n  «r»etry_for: []\n');
    assert.equal(diagnostics.filter((d) => d.code === 'TL001').length, 1, describeDiagnostics(diagnostics));
    expectDiagnostic(diagnostics, { code: 'TL001', range: doc.ranges[0], severity: 'error', message: /^Flow sequence .*: the runtime refuses to load this file, so every task fails to configure$/ });
  });

  test('TL001: a stray line of text at the top level', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'parallel_batch_size: 50\n«this is not a key»\nmax_retries: 2\n');
    expectDiagnostic(diagnostics, { code: 'TL001', range: doc.ranges[0], severity: 'error', message: /^This line is not a `key: value` pair.*: the runtime refuses to load this file/ });
  });

  test('TL001: tabs used for indentation', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n«\t»max_retries: 3\n');
    expectDiagnostic(diagnostics, { code: 'TL001', range: doc.ranges[0], severity: 'error', message: /Tabs .*refuses to load this file/ });
  });

  test('TL016: a duplicate key', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  max_retries: 1\n  «max_retries»: 2\n');
    expectDiagnostic(diagnostics, { code: 'TL016', range: doc.ranges[0], severity: 'error', message: /^Duplicate entry with key "max_retries": the runtime refuses to load this file/ });
  });

  test('TL016: a duplicate per-task section', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.billing.refund:\n    max_retries: 1\n  «src.tasks.billing.refund»:\n    max_retries: 2\n');
    expectDiagnostic(diagnostics, { code: 'TL016', range: doc.ranges[0], severity: 'error', message: /duplicate entry with key "src\.tasks\.billing\.refund"/i });
  });

  test('TL022: a second YAML document', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'max_retries: 1\n«---»\nmax_retries: 2\n');
    expectDiagnostic(diagnostics, { code: 'TL022', range: doc.ranges[0], severity: 'error', message: /second YAML document.*refuses to load this file/ });
  });

  test('TL021: a merge key is reported and not applied', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'defaults: &defaults\n  max_retries: 3\ntask:\n  src.tasks.billing.refund:\n    «<<»: *defaults\n');
    expectDiagnostic(diagnostics, { code: 'TL021', range: doc.ranges[0], severity: 'warning', message: /merge key '<<' is not applied.*Write them out/ });
  });
});

describe('unknown names', () => {
  test('TL002: an unknown field in a per-task section is an error with a did-you-mean', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.billing.refund:\n    «max_retrys»: 3\n');
    const d = expectDiagnostic(diagnostics, { code: 'TL002', range: doc.ranges[0], severity: 'error', message: /^Unknown field 'max_retrys': it is not a task setting\. Did you mean 'max_retries'\?$/ });
    assert.equal((d.data as { replaceWith?: string }).replaceWith, 'max_retries');
  });

  test('TL002: the common typo max_retry gets a did-you-mean', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.billing.refund:\n    «max_retry»: 3\n');
    expectDiagnostic(diagnostics, { code: 'TL002', range: doc.ranges[0], severity: 'error', message: /Did you mean 'max_retries'\?$/ });
  });

  test('TL002: an unknown top-level key is only a warning (it may be another pynenc setting)', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'parallel_batch_size: 5\n«colour»: blue\n');
    expectDiagnostic(diagnostics, { code: 'TL002', range: doc.ranges[0], severity: 'warning', message: /^Unknown field 'colour': it is not a task setting nor a known pynenc section$/ });
  });

  test('TL002: an unknown task() option', () => {
    const { diagnostics, doc } = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nexport const sync = task((id: string) => id, { «maxRetries»: 3 });\n");
    expectDiagnostic(diagnostics, { code: 'TL002', range: doc.ranges[0], severity: 'error', message: /^Unknown field 'maxRetries': it is not a task option\. Did you mean 'max_retries'\?$/ });
  });

  test('TL002: an unknown field in a PYNENC__CONFIGTASK__ env var', () => {
    const { diagnostics, doc } = diagnose(ENV, 'PYNENC__CONFIGTASK__«MAX_RETRYS»=3\n');
    expectDiagnostic(diagnostics, { code: 'TL002', range: doc.ranges[0], severity: 'error', message: /^Unknown field 'MAX_RETRYS' in PYNENC__CONFIGTASK__MAX_RETRYS\. Did you mean 'MAX_RETRIES'\?$/ });
  });

  test('TL008: a per-task section that names no task', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  «src.tasks.billing.refnd»:\n    max_retries: 3\n');
    expectDiagnostic(diagnostics, { code: 'TL008', range: doc.ranges[0], severity: 'warning', message: /^No task 'src\.tasks\.billing\.refnd' is defined in the workspace\. Did you mean 'src\.tasks\.billing\.refund'\?$/ });
  });

  test('TL008: a per-task env var that names no task', () => {
    const { diagnostics, doc } = diagnose(ENV, 'PYNENC__CONFIGTASK__«SRC.TASKS.EMAIL#SENDEMAL»__MAX_RETRIES=3\n');
    expectDiagnostic(diagnostics, { code: 'TL008', range: doc.ranges[0], severity: 'warning', message: /^No task matches 'SRC\.TASKS\.EMAIL#SENDEMAL'.*Did you mean 'SRC\.TASKS\.EMAIL#SENDEMAIL' \(src\.tasks\.email\.sendEmail\)\?$/ });
  });

  test('TL020: a task() call whose task name cannot be determined', () => {
    const { diagnostics, doc } = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nexport default «task»(() => 1);\n");
    expectDiagnostic(diagnostics, { code: 'TL020', range: doc.ranges[0], severity: 'warning', message: /^The task name of this task\(\) call cannot be determined: name the function or assign the result to a variable$/ });
  });
});

describe('values of the wrong type or shape', () => {
  test('TL003: a string that is no integer', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.billing.refund:\n    max_retries: «abc»\n');
    expectDiagnostic(diagnostics, { code: 'TL003', range: doc.ranges[0], severity: 'error', message: /^max_retries must be an integer, but 'abc' is not one: the task fails to configure$/ });
  });

  test('TL003: a float for an int is a warning (truncated)', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'parallel_batch_size: «2.5»\n');
    expectDiagnostic(diagnostics, { code: 'TL003', range: doc.ranges[0], severity: 'warning', message: /^parallel_batch_size expects an integer: 2\.5 is truncated to 2$/ });
  });

  test('TL004: an enum value in capitals', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.billing.refund:\n    running_concurrency: «KEYS»\n');
    expectDiagnostic(diagnostics, { code: 'TL004', range: doc.ranges[0], severity: 'error', message: /^'KEYS' is not a valid ConcurrencyControlType value \(expected disabled, task, arguments, keys; lowercase only\): did you mean 'keys'\?$/ });
  });

  test('TL004: an empty enum value while typing reads as a sentence', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  running_concurrency:«»\n');
    expectDiagnostic(diagnostics, { code: 'TL004', range: doc.ranges[0], severity: 'error', message: /^An empty value is not a valid ConcurrencyControlType value \(expected disabled, task, arguments, keys; lowercase only\)$/ });
  });

  test('TL004: a near-miss enum value in a task() option', () => {
    const { diagnostics, doc } = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nexport const sync = task((id: string) => id, { registration_concurrency: «'key'» });\n");
    expectDiagnostic(diagnostics, { code: 'TL004', range: doc.ranges[0], severity: 'error', message: /^'key' is not a valid ConcurrencyControlType value.*did you mean 'keys'\?$/ });
  });

  test('TL012: the string "false" for a bool (in YAML, .env and task())', () => {
    const yaml = diagnose(CONFIG, 'task:\n  call_result_cache: «"false"»\n');
    expectDiagnostic(yaml.diagnostics, { code: 'TL012', range: yaml.doc.ranges[0], severity: 'warning', message: /^call_result_cache is the string 'false', which counts as TRUE: any non-empty string is true\. Write false without quotes\.$/ });
    const env = diagnose(ENV, 'PYNENC__FORCE_NEW_WORKFLOW=«no»\n');
    expectDiagnostic(env.diagnostics, { code: 'TL012', range: env.doc.ranges[0], severity: 'warning', message: /^force_new_workflow is the string 'no', which counts as TRUE.*or an empty value\.$/ });
    const ts = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nexport const sync = task((id: string) => id, { force_new_workflow: «'off'» });\n");
    expectDiagnostic(ts.diagnostics, { code: 'TL012', range: ts.doc.ranges[0], severity: 'warning', message: /^force_new_workflow is the string 'off', which counts as TRUE/ });
  });

  test('TL012 is not raised for "true", which does what it says', () => {
    const { diagnostics } = diagnose(CONFIG, 'task:\n  call_result_cache: "true"\n');
    assert.deepEqual(codes(diagnostics).filter((c) => c === 'TL012' || c === 'TL003'), []);
  });

  test('TL013: a string where a list is expected (YAML and .env)', () => {
    const yaml = diagnose(CONFIG, 'task:\n  src.tasks.billing.chargeCard:\n    running_concurrency: keys\n    key_arguments: «customerId»\n');
    expectDiagnostic(yaml.diagnostics, { code: 'TL013', range: yaml.doc.ranges[0], severity: 'warning', message: /^key_arguments is a string, and a string is split into its characters: 'customerId' becomes \['c', 'u', 's', 't', 'o', 'm', …\]\. Write a list\.$/ });
    const env = diagnose(ENV, 'PYNENC__CONFIGTASK__DISABLE_CACHE_ARGS=«id»\n');
    expectDiagnostic(env.diagnostics, { code: 'TL013', range: env.doc.ranges[0], severity: 'warning', message: /'id' becomes \['i', 'd'\]/ });
  });

  test('TL019: a negative count (YAML and task())', () => {
    const yaml = diagnose(CONFIG, 'task:\n  src.tasks.billing.refund:\n    max_retries: «-1»\n');
    expectDiagnostic(yaml.diagnostics, { code: 'TL019', range: yaml.doc.ranges[0], severity: 'warning', message: /^max_retries is negative \(-1\); it should be 0 or more$/ });
    const ts = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nexport const sync = task((id: string) => id, { parallel_batch_size: «-5» });\n");
    expectDiagnostic(ts.diagnostics, { code: 'TL019', range: ts.doc.ranges[0], severity: 'warning', message: /^parallel_batch_size is negative \(-5\)/ });
  });
});

describe('exception names', () => {
  test('TL005: an unqualified exception name, with the one workspace class it could mean', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  retry_for: [«NetworkError»]\n');
    const d = expectDiagnostic(diagnostics, { code: 'TL005', range: doc.ranges[0], severity: 'error', message: /^'NetworkError' is not qualified: the runtime cannot import it\. Write <module>\.NetworkError \(e\.g\. src\.errors\.network\.NetworkError\)\.$/ });
    assert.equal((d.data as { replaceWith?: string }).replaceWith, 'src.errors.network.NetworkError');
  });

  test('TL005: an empty retry_for entry while typing reads as a sentence', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  retry_for:\n    - «»\n');
    expectDiagnostic(diagnostics, { code: 'TL005', range: doc.ranges[0], severity: 'error', message: /^An empty entry is not an exception name: the runtime cannot import it\. Write <module>\.<ClassName> or remove the entry\.$/ });
  });

  test('TL006: a qualified name that resolves to nothing (YAML) and an unresolved identifier (task())', () => {
    const yaml = diagnose(CONFIG, 'task:\n  retry_for: [«src.errors.network.Missing»]\n');
    expectDiagnostic(yaml.diagnostics, { code: 'TL006', range: yaml.doc.ranges[0], severity: 'warning', message: /^Exception class 'src\.errors\.network\.Missing' was not found in the workspace; the runtime will fail if it cannot import it$/ });
    const ts = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nexport const sync = task((id: string) => id, { retry_for: [«Vanished»] });\n");
    expectDiagnostic(ts.diagnostics, { code: 'TL006', range: ts.doc.ranges[0], severity: 'warning', message: /^'Vanished' could not be resolved to an exception class in the workspace$/ });
  });

  test('TL007: a class that does not extend Error (YAML and task())', () => {
    const yaml = diagnose(CONFIG, 'task:\n  retry_for: [«src.errors.notice.RateLimitNotice»]\n');
    expectDiagnostic(yaml.diagnostics, { code: 'TL007', range: yaml.doc.ranges[0], severity: 'error', message: /^'src\.errors\.notice\.RateLimitNotice' does not extend Error, so it cannot be retried for$/ });
    const ts = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nimport { RateLimitNotice } from '../errors/notice';\nexport const sync = task((id: string) => id, { retry_for: [«RateLimitNotice»] });\n");
    expectDiagnostic(ts.diagnostics, { code: 'TL007', range: ts.doc.ranges[0], severity: 'error', message: /^'RateLimitNotice' \(src\.errors\.notice\.RateLimitNotice\) does not extend Error/ });
  });

  test('an exception two inheritance steps from Error, across files, raises nothing', () => {
    const yaml = diagnose(CONFIG, 'task:\n  retry_for: [src.errors.network.NetworkError, builtins.TypeError, tasklens.RetryError]\n');
    assert.deepEqual(codes(yaml.diagnostics).filter((c) => ['TL005', 'TL006', 'TL007'].includes(c)), [], describeDiagnostics(yaml.diagnostics));
    const ts = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nimport { NetworkError } from '../errors';\nexport const sync = task((id: string) => id, { retry_for: [NetworkError, TypeError] });\n");
    assert.deepEqual(codes(ts.diagnostics).filter((c) => ['TL005', 'TL006', 'TL007'].includes(c)), [], describeDiagnostics(ts.diagnostics));
  });

  test('TL017: retry_for set through an env var', () => {
    const { diagnostics, doc } = diagnose(ENV, '«PYNENC__CONFIGTASK__RETRY_FOR»=builtins.Error\n');
    expectDiagnostic(diagnostics, { code: 'TL017', range: doc.ranges[0], severity: 'error', message: /^retry_for cannot be set through an env var: the value is split into characters and fails\. Only an empty value works/ });
  });

  test('TL017 is not raised for an empty retry_for env var (it empties the list)', () => {
    const { diagnostics } = diagnose(ENV, 'PYNENC__CONFIGTASK__RETRY_FOR=\n');
    assert.deepEqual(codes(diagnostics).filter((c) => c === 'TL017'), []);
  });
});

describe('arguments and concurrency', () => {
  test('TL009: key_arguments names something that is not a parameter (YAML and task())', () => {
    const yaml = diagnose(CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    key_arguments: [«recipient»]\n');
    expectDiagnostic(yaml.diagnostics, { code: 'TL009', range: yaml.doc.ranges[0], severity: 'error', message: /^'recipient' is not a parameter of src\.tasks\.email\.sendEmail \(parameters: to, subject, body\)$/ });
    const ts = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nexport const sync = task((userId: string) => userId, { running_concurrency: 'keys', key_arguments: [«'usrId'»] });\n");
    expectDiagnostic(ts.diagnostics, { code: 'TL009', range: ts.doc.ranges[0], severity: 'error', message: /^'usrId' is not a parameter of src\.tasks\.scratch\.sync \(parameters: userId\): did you mean 'userId'\?$/ });
  });

  test('TL010: key_arguments without a keys concurrency setting', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.billing.chargeCard:\n    key_arguments: «[customerId]»\n');
    const d = expectDiagnostic(diagnostics, { code: 'TL010', range: doc.ranges[0], severity: 'warning', message: /^key_arguments has no effect: neither running_concurrency nor registration_concurrency is keys for this task$/ });
    assert.equal((d.data as { insertText?: string }).insertText, '    running_concurrency: keys\n');
  });

  test('TL011: keys concurrency with empty key_arguments', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.billing.refund:\n    registration_concurrency: «keys»\n');
    expectDiagnostic(diagnostics, { code: 'TL011', range: doc.ranges[0], severity: 'warning', message: /^registration_concurrency is keys but key_arguments is empty, so it behaves like task/ });
  });

  test('TL015: reroute_on_concurrency_control: true warns, and is info where running concurrency is disabled', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    reroute_on_concurrency_control: «true»\n  src.tasks.billing.refund:\n    reroute_on_concurrency_control: «true»\n');
    expectDiagnostic(diagnostics, { code: 'TL015', range: doc.ranges[0], severity: 'warning', message: /^reroute_on_concurrency_control: true reroutes blocked calls again and again.*grows without bound$/ });
    expectDiagnostic(diagnostics, { code: 'TL015', range: doc.ranges[1], severity: 'info', message: /^reroute_on_concurrency_control does nothing here: running_concurrency is disabled for this task$/ });
  });

  test('TL018: disable_cache_args names a non-parameter, but "*" is fine', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.billing.chargeCard:\n    disable_cache_args: [«amount», "*"]\n');
    expectDiagnostic(diagnostics, { code: 'TL018', range: doc.ranges[0], severity: 'warning', message: /^'amount' is not a parameter of src\.tasks\.billing\.chargeCard \(parameters: customerId, amountCents\)/ });
    assert.equal(diagnostics.filter((d) => d.code === 'TL018').length, 1, describeDiagnostics(diagnostics));
  });
});

describe('TL014: values that never take effect', () => {
  test('a per-task YAML value overridden by a per-task env var names the winner and where it is', () => {
    const { diagnostics, doc } = diagnose(CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    max_retries: «5»\n');
    const d = expectDiagnostic(diagnostics, { code: 'TL014', range: doc.ranges[0], severity: 'hint', message: /^max_retries here never takes effect for src\.tasks\.email\.sendEmail: overridden by PYNENC__CONFIGTASK__SRC\.TASKS\.EMAIL#SENDEMAIL__MAX_RETRIES \(\.env:2\)$/ });
    assert.deepEqual(d.tags, [1], 'shown as unnecessary');
  });

  test('a task() option overridden by the config file', () => {
    const { diagnostics, doc } = diagnose(SCRATCH, "import { task } from '../../lib/tasks';\nexport const sync = task((id: string) => id, { max_retries: «4» });\n");
    expectDiagnostic(diagnostics, { code: 'TL014', range: doc.ranges[0], severity: 'hint', message: /^max_retries here never takes effect: overridden by config\.yaml:5$/ });
  });

  test('an env var overridden by a more specific one', () => {
    const { diagnostics, doc } = diagnose(ENV, '«PYNENC__KEY_ARGUMENTS=[to]»\nPYNENC__CONFIGTASK__KEY_ARGUMENTS=[]\n');
    expectDiagnostic(diagnostics, { code: 'TL014', range: doc.ranges[0], severity: 'hint', message: /^PYNENC__KEY_ARGUMENTS never takes effect for any task: overridden by PYNENC__CONFIGTASK__KEY_ARGUMENTS \(\.env:2\)$/ });
  });
});

describe('a clean workspace', () => {
  test('the fixture files on disk raise no errors or warnings', () => {
    const w = fixture('app');
    for (const file of [CONFIG, ENV, 'src/tasks/email.ts', 'src/tasks/billing.ts']) {
      const diagnostics = diagnoseMarked(w, file, w.disk(file)).diagnostics;
      const loud = diagnostics.filter((d) => d.severity !== undefined && d.severity <= 2);
      assert.deepEqual(loud, [], `${file}: ${describeDiagnostics(loud)}`);
      for (const d of diagnostics) assert.ok(typeof d.code === 'string' && /^TL0\d\d$/.test(d.code), `stable code on ${d.message}`);
    }
  });

  test('a file Tasklens does not read has no diagnostics', () => {
    const w = fixture('app');
    assert.deepEqual(diagnoseMarked(w, 'notes.txt', 'max_retries: KEYS\n').diagnostics, []);
    assert.deepEqual(diagnoseMarked(w, 'other.yaml', 'max_retries: KEYS\n').diagnostics, [], 'a YAML file without task: that is no config file');
  });
});

describe('JSON and TOML config files get the same diagnostics, at their place', () => {
  const json = () => fixture('app', { settings: { configFiles: ['config.json'] } });

  test('TL004 in a JSON config, on the quoted value', () => {
    const { diagnostics, doc } = diagnoseMarked(json(), 'config.json', '{\n  "task": {\n    "src.tasks.billing.refund": {"running_concurrency": «"KEYS"», "key_arguments": ["chargeId"]}\n  }\n}\n');
    expectDiagnostic(diagnostics, { code: 'TL004', range: doc.ranges[0], severity: 'error', message: /^'KEYS' is not a valid ConcurrencyControlType value .*did you mean 'keys'\?$/ });
  });

  test('TL001 for a JSON config that fails to load, where the parser stopped', () => {
    const { diagnostics, doc } = diagnoseMarked(json(), 'config.json', '{\n  "task": {\n    "max_retries": 1,\n  «}»\n}\n');
    expectDiagnostic(diagnostics, { code: 'TL001', range: doc.ranges[0], severity: 'error', message: /^Expecting property name enclosed in double quotes at column 3 \(char 38\): the runtime refuses to load this file, so every task fails to configure$/ });
  });

  test('TL003 in pyproject.toml [tool.pynenc], on the value', () => {
    const { diagnostics, doc } = diagnoseMarked(fixture('app'), 'pyproject.toml', '[tool.pynenc]\nmax_retries = «"abc"»\n');
    expectDiagnostic(diagnostics, { code: 'TL003', range: doc.ranges[0], severity: 'error', message: /^max_retries must be an integer, but 'abc' is not one: the task fails to configure$/ });
  });
});

describe('kept results follow edits: a generic or class-level check is reused only while nothing it depends on changed', () => {
  const config = (chargeCard: string) => `task:\n  key_arguments: [customerId]\n  max_retries: 3\n  src.tasks.billing.chargeCard:\n${chargeCard}  src.tasks.email.sendEmail:\n    running_concurrency: task\n`;
  const classLevel = (w: ReturnType<typeof fixture>, text: string) => {
    const doc = w.open(CONFIG, text, { cursor: null });
    const diagnostics = features.diagnose(w.ws, CONFIG);
    const tl010 = diagnostics.filter((d) => d.code === 'TL010' && d.range.start.line === 1);
    const at = text.indexOf('max_retries: 3') + 2;
    return { tl010: tl010.length, reach: hoverText(features.hover(w.ws, CONFIG, at)).match(/Reaches (\d+) of/)?.[1], doc };
  };

  test("a per-task concurrency setting typed in another section changes the class-level TL010, and undoing it brings it back", () => {
    const w = fixture('app');
    assert.equal(classLevel(w, config('    parallel_batch_size: 5\n')).tl010, 1);
    assert.equal(classLevel(w, config('    running_concurrency: keys\n')).tl010, 0);
    assert.equal(classLevel(w, config('    running_concurrency: task\n')).tl010, 1);
  });

  test('a per-task value edited in place keeps the reach; a per-task key added or removed changes it', () => {
    const w = fixture('app');
    const before = Number(classLevel(w, config('    parallel_batch_size: 5\n')).reach);
    assert.ok(before > 0);
    assert.equal(Number(classLevel(w, config('    parallel_batch_size: 6\n')).reach), before);
    assert.equal(Number(classLevel(w, config('    parallel_batch_size: 6\n    max_retries: 9\n')).reach), before - 1);
    assert.equal(Number(classLevel(w, config('    parallel_batch_size: 6\n')).reach), before);
  });
});
