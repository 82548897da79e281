// Typing tolerance, second round: the families of half-typed text the first
// round (halfTyped.spec.ts) left out — flow collections over several lines,
// quoted scalars, lists that already hold items, block scalars typed by
// mistake, a word with the cursor in its middle, unusual indentation, a BOM,
// `task:` twice, nulls, numbers and booleans as the runtime's reader types them,
// `.env` lines, and JSON and TOML files that fail to load. Every completion
// item is applied and read back, and must find what the user typed.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { assertReadable, codes, describeDiagnostics, labels, messageOf } from './assertions';
import { Diagnostic } from 'vscode-languageserver-types';
import { completeAt, diagnoseMarked, fixture, hoverAt } from './harness';
import {
  assertEveryItemParses, assertFoundByWhatIsTyped, assertPartsGive, complete, completeOffering, completeTo, CONFIG, ENUM, EXCEPTIONS, fieldsExcept, read, sorted, TASKS,
} from './typing';

/** The cursor marker of texts that hold a YAML block scalar's `|`. */
const AT = { cursor: '¦' };

/** The diagnostics of config.yaml holding `text`, in the `app` fixture. */
function diagnose(text: string): Diagnostic[] {
  return diagnoseMarked(fixture('app'), CONFIG, text).diagnostics;
}

/** The diagnostics of config.yaml holding `text`, which have exactly the codes `expected`. */
function diagnoseTo(text: string, expected: readonly string[]): Diagnostic[] {
  const diagnostics = diagnose(text);
  assert.deepEqual(codes(diagnostics), expected, describeDiagnostics(diagnostics));
  return diagnostics;
}

describe('flow collections over several lines', () => {
  test('`task: {` then Enter: fields and task ids, written as flow keys', () => {
    const c = completeOffering('task: {\n  |', sorted([...fieldsExcept(), ...TASKS]), { close: ' }' });
    assert.equal(c.lineAfter('src.tasks.billing.refund'), '  src.tasks.billing.refund: ');
    assert.deepEqual(read(`${c.accept('src.tasks.billing.refund')}{ max_retries: 1 } }\n`), { task: { 'src.tasks.billing.refund': { max_retries: 1 } } });
  });

  test('keys written on the lines above count as set', () => {
    const c = completeOffering('task: {\n  # class level first\n  max_retries: 1,\n  |\n}\n', sorted([...fieldsExcept('max_retries'), ...TASKS]));
    assert.deepEqual(read(c.accept('src.tasks.email.sendDigest')), { task: { max_retries: 1, 'src.tasks.email.sendDigest': null } });
  });

  test('a per-task flow mapping: keys on the lines below count as set too', () => {
    const c = completeOffering('task:\n  src.tasks.email.sendEmail: {\n    max_retries: 2,\n    run|,\n    call_result_cache: true\n  }\n', fieldsExcept('max_retries', 'call_result_cache'));
    assert.deepEqual(read(c.accept('running_concurrency')), { task: { 'src.tasks.email.sendEmail': { max_retries: 2, running_concurrency: null, call_result_cache: true } } });
  });

  test('a flow list over several lines: the exception names it does not hold yet', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail:\n    retry_for: [\n      builtins.TypeError,\n      |\n    ]\n');
    for (const name of EXCEPTIONS) assert.equal(labels(c.items).includes(name), name !== 'builtins.TypeError', name);
    assertEveryItemParses(c);
    assert.deepEqual(read(c.accept('src.errors.network.NetworkError')), { task: { 'src.tasks.email.sendEmail': { retry_for: ['builtins.TypeError', 'src.errors.network.NetworkError'] } } });
  });

  test('diagnostics: an unclosed flow mapping is one TL001, a closed one is checked inside', () => {
    diagnoseTo('task: {\n  max_retries: 1,\n', ['TL001']);
    diagnoseTo('task: {\n  max_retries: 1,\n  src.tasks.email.sendEmail: { running_concurrency: KEYS }\n}\n', ['TL004']);
  });
});

describe('quoted scalars', () => {
  test('a quoted enum value in a flow mapping: the values, in the same quotes', () => {
    const c = completeOffering('task:\n  src.tasks.email.sendEmail: { running_concurrency: "ke|" }\n', ENUM);
    assert.equal(c.lineAfter('keys'), '  src.tasks.email.sendEmail: { running_concurrency: "keys" }');
    assert.deepEqual(read(c.accept('keys')), { task: { 'src.tasks.email.sendEmail': { running_concurrency: 'keys' } } });
  });

  test('a single-quoted enum value in a block mapping', () => {
    completeTo("task:\n  src.tasks.billing.refund:\n    running_concurrency: 'ta|'\n", 'task', "    running_concurrency: 'task'");
  });

  test('a boolean in quotes is written bare: in quotes it would be a string', () => {
    const c = complete('task:\n  src.tasks.billing.refund:\n    call_result_cache: "tr|"\n');
    assert.deepEqual(labels(c.items), ['true', 'false']);
    assertEveryItemParses(c);
    assert.deepEqual(read(c.accept('true')), { task: { 'src.tasks.billing.refund': { call_result_cache: true } } });
  });

  test('a quoted item in a flow list keeps its quotes and the bracket after it', () => {
    completeTo('task:\n  retry_for: ["builtins.Ty|"]\n', 'builtins.TypeError', '  retry_for: ["builtins.TypeError"]');
  });

  for (const quote of ['"', "'"]) {
    test(`a half-typed section key in ${quote} quotes, not closed yet`, () => {
      const c = complete(`task:\n  max_retries: 1\n  ${quote}src.tasks.em|\n`);
      assert.deepEqual(labels(c.items).filter((l) => l.startsWith('src.')).sort(), TASKS);
      assert.equal(c.lineAfter('src.tasks.email.sendDigest'), `  ${quote}src.tasks.email.sendDigest${quote}:`);
      assertEveryItemParses(c);
    });
  }

  test('a single-quoted section key before its colon and fields', () => {
    const c = complete("task:\n  'src.tasks.em|':\n    max_retries: 1\n");
    assertEveryItemParses(c);
    assert.deepEqual(read(c.accept('src.tasks.email.sendEmail')), { task: { 'src.tasks.email.sendEmail': { max_retries: 1 } } });
  });
});

describe('lists that already hold items', () => {
  test('a block retry_for list: names above and below the cursor are not offered again', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail:\n    retry_for:\n      - builtins.TypeError\n      - |\n      - src.errors.base.AppError\n');
    for (const name of EXCEPTIONS) assert.equal(labels(c.items).includes(name), !['builtins.TypeError', 'src.errors.base.AppError'].includes(name), name);
    assertEveryItemParses(c);
  });

  test('disable_cache_args: the parameters left, and "*"', () => {
    completeOffering('task:\n  src.tasks.billing.chargeCard:\n    disable_cache_args: [customerId, |]\n', ['*', 'amountCents']);
  });

  test('key_arguments: items after the cursor count, the word being typed is still offered', () => {
    completeOffering('task:\n  src.tasks.email.sendEmail:\n    key_arguments: [|, body]\n', ['subject', 'to']);
    completeOffering('task:\n  src.tasks.email.sendEmail:\n    key_arguments: [to, subj|]\n', ['body', 'subject']);
  });

  test('list items indented deeper than their key', () => {
    const c = completeOffering('task:\n  src.tasks.billing.chargeCard:\n    key_arguments:\n        - customerId\n        - |\n', ['amountCents']);
    assert.deepEqual(read(c.accept('amountCents')), { task: { 'src.tasks.billing.chargeCard': { key_arguments: ['customerId', 'amountCents'] } } });
  });
});

describe('a list of mappings (`- name:`) where names go', () => {
  test('no completion in the mapping, names again on the next item', () => {
    assert.deepEqual(complete('task:\n  src.tasks.email.sendEmail:\n    retry_for:\n      - name: |\n').items, []);
    const c = complete('task:\n  src.tasks.email.sendEmail:\n    retry_for:\n      - name: builtins.TypeError\n      - |\n');
    for (const name of EXCEPTIONS) assert.ok(labels(c.items).includes(name), name);
    assertEveryItemParses(c);
  });

  test('diagnostics: one TL003 on the mapping item, none on the name beside it', () => {
    const diagnostics = diagnose('task:\n  src.tasks.email.sendEmail:\n    retry_for:\n      - name: builtins.TypeError\n      - builtins.TypeError\n');
    assert.deepEqual(diagnostics.map((d) => `${d.code}@${d.range.start.line}`), ['TL003@3'], describeDiagnostics(diagnostics));
  });
});

describe('brackets the user has not closed, or has', () => {
  // Editors close brackets as they are typed: an item adds none, and never takes the user's.
  test('an unclosed key_arguments list: the item only', () => {
    completeTo('task:\n  src.tasks.email.sendEmail:\n    key_arguments: [to, |', 'subject', '    key_arguments: [to, subject', { close: ']' });
  });

  test('a closing bracket right after the word stays', () => {
    completeTo('task:\n  src.tasks.email.sendEmail: {max_retries: 2, running_concurrency: ke|}\n', 'keys', '  src.tasks.email.sendEmail: {max_retries: 2, running_concurrency: keys}');
    completeTo('task:\n  key_arguments: [|]\n', 'to', '  key_arguments: [to]');
  });
});

describe('block scalars typed by mistake', () => {
  test('right after `retry_for: >`: nothing (the value is the text below)', () => {
    assert.deepEqual(complete('task:\n  src.tasks.email.sendEmail:\n    retry_for: >|\n').items, []);
    assert.deepEqual(complete('task:\n  retry_for: |¦\n', AT).items, []);
  });

  test("in a block scalar's text: no keys", () => {
    assert.deepEqual(complete('task:\n  retry_for: >\n    max|\n').items, []);
    assert.deepEqual(complete('task:\n  src.tasks.email.sendEmail:\n    retry_for: |\n      builtins.Type¦\n', AT).items, []);
  });

  test('diagnostics: a one-line message each, and a fix that keeps the next line', () => {
    const text = 'task:\n  src.tasks.email.sendEmail:\n    retry_for: |\n      builtins.TypeError\n    running_concurrency: >\n      keys\n    max_retries: 2\n';
    const diagnostics = diagnoseTo(text, ['TL004', 'TL013', 'TL014']);
    for (const d of diagnostics) assertReadable(messageOf(d));
    assert.match(messageOf(diagnostics.find((d) => d.code === 'TL004')!), /^'keys\\n' is not a valid/);
    for (const d of diagnostics.filter((x) => x.code !== 'TL014')) assert.equal(d.range.end.line, d.range.start.line + 1, `${d.code} ends with the scalar's text, not on the next line`);
    assert.deepEqual((diagnostics.find((d) => d.code === 'TL013')!.data as { replaceWith?: string }).replaceWith, '[builtins.TypeError]');
  });

  test("hover: the error quotes the value on one line", () => {
    const { markdown } = hoverAt(fixture('app'), CONFIG, 'task:\n  src.tasks.email.sendEmail:\n    retry_f¦or: |\n      builtins.TypeError\n', AT);
    const error = markdown.split('\n').find((l) => l.startsWith('> '));
    assert.ok(error?.includes("'builtins.TypeError\\n' is a single string"), markdown);
  });
});

describe('a value on the key\'s line, then Enter', () => {
  test('at the same indentation: the fields left', () => {
    completeOffering('task:\n  src.tasks.email.sendEmail:\n    key_arguments: to\n    |\n', fieldsExcept('key_arguments'));
    diagnoseTo('task:\n  src.tasks.email.sendEmail:\n    key_arguments: to\n    running_concurrency: keys\n', ['TL013']);
  });

  test('indented deeper: the value goes on, no keys', () => {
    assert.deepEqual(complete('task:\n  max_retries: 3\n    |\n').items, []);
  });
});

describe('the cursor in the middle of a word', () => {
  test('a key: the whole word is replaced, the value kept', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail:\n    max_|retr: 3\n');
    assert.deepEqual(read(c.accept('max_retries')), { task: { 'src.tasks.email.sendEmail': { max_retries: 3 } } });
  });

  test('a name in a flow list, and a section key', () => {
    completeTo('task:\n  retry_for: [builtins.Type|Err]\n', 'builtins.TypeError', '  retry_for: [builtins.TypeError]');
    const c = complete('task:\n  src.tasks.|em:\n    max_retries: 1\n');
    assert.deepEqual(read(c.accept('src.tasks.email.sendEmail')), { task: { 'src.tasks.email.sendEmail': { max_retries: 1 } } });
  });

  test('a word with letters beyond ASCII is replaced whole', () => {
    const c = complete('task:\n  ét|\n');
    assert.equal(c.lineAfter('max_retries'), '  max_retries: ');
  });
});

describe('right after the colon, no space', () => {
  test('the item brings the space', () => {
    completeTo('task:\n  src.tasks.email.sendEmail:\n    max_retries:|\n    running_concurrency: keys\n', '0', '    max_retries: 0');
    completeTo('task:\n  src.tasks.email.sendEmail:\n    key_arguments:|\n', 'subject', '    key_arguments: [subject]');
  });
});

describe('two unfinished lines', () => {
  test('a half-typed key above a key with no value yet: that key is not offered again', () => {
    const c = completeOffering('task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    reg|\n    running_concurrency: \n', fieldsExcept('max_retries', 'running_concurrency'));
    assert.deepEqual(read(c.accept('registration_concurrency')), { task: { 'src.tasks.email.sendEmail': { max_retries: 2, registration_concurrency: null, running_concurrency: null } } });
  });

  test('hover below a half-typed key in the same section: what the parts that parse give', () => {
    assertPartsGive('task:\n  src.tasks.billing.chargeCard:\n    max_retries: 3\n    reg\n    running_concur|rency: keys\n', 'running_concurrency', 'src.tasks.billing.chargeCard', '"keys"', 'config.yaml:5 (task)');
  });

  test('diagnostics: one TL001, no unknown field made of the half-typed key and the next, the next still checked', () => {
    const diagnostics = diagnoseTo('task:\n  src.tasks.billing.chargeCard:\n    max_retries: 3\n    reg\n    running_concurrency: KEYS\n', ['TL001', 'TL004']);
    assert.equal(diagnostics.find((d) => d.code === 'TL001')!.range.start.line, 3);
  });

  test('a value below a half-typed key', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail:\n    reg\n    running_concurrency: |\n');
    assert.deepEqual(labels(c.items), ENUM);
    assertEveryItemParses(c, { elsewhere: true });
  });
});

describe('first lines, a BOM, a trailing space', () => {
  test('a document that starts with a comment and a blank line', () => {
    completeOffering('# tasks of the app\n\ntask:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    |\n', fieldsExcept('max_retries'));
    const { markdown } = hoverAt(fixture('app'), CONFIG, '# tasks of the app\n\ntask:\n  src.tasks.billing.chargeCard:\n    max_ret|ries: 3\n');
    assert.ok(markdown.includes('| ✔ | config.yaml:5 (task) ← here | `3` |'), markdown);
  });

  test('a BOM: completion, hover lines and diagnostics as without it', () => {
    completeOffering('\ufefftask:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    |\n', fieldsExcept('max_retries'));
    const { markdown } = hoverAt(fixture('app'), CONFIG, '\ufeffparallel_batch_size: 50\ntask:\n  src.tasks.billing.chargeCard:\n    max_ret|ries: 3\n');
    assert.ok(markdown.includes('| ✔ | config.yaml:4 (task) ← here | `3` |'), markdown);
    diagnoseTo('\ufefftask:\n  src.tasks.email.sendEmail:\n    running_concurrency: KEYS\n', ['TL004']);
  });

  test('a trailing space after the cursor: no double space after the colon', () => {
    completeTo('task:\n  src.tasks.email.sendEmail:\n    max_re| \n', 'max_retries', '    max_retries: ');
    completeTo('task:\n  src.tasks.email.sendEmail:\n    running_concurrency: ke| \n', 'keys', '    running_concurrency: keys ');
  });
});

describe('indentation of 3 or 4 spaces', () => {
  test('4 spaces: a new section gets its fields 4 deeper', () => {
    const c = complete('task:\n    max_retries: 1\n    src.tasks.em|\n');
    assert.equal(c.accept('src.tasks.email.sendDigest'), 'task:\n    max_retries: 1\n    src.tasks.email.sendDigest:\n        \n');
  });

  test('3 spaces: the fields left in the section, and no false diagnostic', () => {
    completeOffering('task:\n   src.tasks.email.sendEmail:\n      max_retries: 2\n      |\n', fieldsExcept('max_retries'));
    diagnoseTo('task:\n   src.tasks.billing.chargeCard:\n      max_retries: 2\n      running_concurrency: keys\n', ['TL011']);
  });
});

describe('task: twice, and task: in the wrong place', () => {
  test('task: written twice: one TL016 on the second, and its sections still checked', () => {
    const diagnostics = diagnoseTo('task:\n  max_retries: 1\ntask:\n  src.tasks.email.sendEmail:\n    running_concurrency: KEYS\n', ['TL004', 'TL016']);
    assert.equal(diagnostics.find((d) => d.code === 'TL016')!.range.start.line, 2);
  });

  test('task: written twice: completion under the second, hover leads with the duplicate', () => {
    completeOffering('task:\n  max_retries: 1\ntask:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    |\n', fieldsExcept('max_retries'), { elsewhere: true });
    const { markdown } = hoverAt(fixture('app'), CONFIG, 'task:\n  max_retries: 1\ntask:\n  src.tasks.billing.chargeCard:\n    max_re|tries: 4\n');
    assert.ok(markdown.startsWith('**Effective for `src.tasks.billing.chargeCard`: ⚠ error**\n\n> Invalid YAML file config.yaml: duplicate entry with key "task"'), markdown);
    assert.ok(markdown.includes('_The runtime refuses the file; the parts that do parse would give_ `4` _from config.yaml:5 (task)._'), markdown);
  });

  test('task: under another top-level key: no completion, and that key is reported', () => {
    assert.deepEqual(complete('config:\n  task:\n    src.tasks.email.sendEmail:\n      max_re|\n').items, []);
    diagnoseTo('config:\n  task:\n    src.tasks.email.sendEmail:\n      max_retries: 3\n', ['TL002']);
  });

  test('task: indented under a scalar: one TL001, and no type error made of the lines it swallows', () => {
    diagnoseTo('parallel_batch_size: 50\n  task:\n    src.tasks.email.sendEmail:\n      max_retries: 3\n', ['TL001']);
  });

  test('the whole file indented one space: read as usual', () => {
    completeOffering(' task:\n   src.tasks.email.sendEmail:\n     max_retries: 3\n     |\n', fieldsExcept('max_retries'));
    diagnoseTo(' task:\n   src.tasks.billing.chargeCard:\n     running_concurrency: KEYS\n', ['TL004']);
  });
});

describe('nulls and numbers, as the runtime reads them', () => {
  test('`~` and `null` are read as empty strings', () => {
    const diagnostics = diagnoseTo('task:\n  src.tasks.billing.chargeCard:\n    max_retries: ~\n    call_result_cache: null\n    key_arguments: ~\n', ['TL003']);
    assert.match(messageOf(diagnostics[0]), /an empty value is not one/);
    const { markdown } = hoverAt(fixture('app'), CONFIG, 'task:\n  src.tasks.billing.chargeCard:\n    call_result_cac|he: ~\n');
    assert.ok(markdown.includes('**Effective for `src.tasks.billing.chargeCard`: `false`**'), markdown);
    assert.ok(markdown.includes("| ✔ | config.yaml:3 (task) ← here | `''` |"), markdown);
  });

  const numbers: [written: string, effective: string, source: string][] = [
    ['1_000', '1000', "`'1_000'`"],
    ['0x10', '16', '`16`'],
  ];
  for (const [written, effective, source] of numbers) {
    test(`max_retries: ${written} gives ${effective}, without a problem`, () => {
      const text = `task:\n  src.tasks.billing.chargeCard:\n    max_retries: ${written}\n`;
      assert.deepEqual(diagnose(text), []);
      const { markdown } = hoverAt(fixture('app'), CONFIG, text.replace('max_retries', 'max_ret|ries'));
      assert.ok(markdown.includes(`**Effective for \`src.tasks.billing.chargeCard\`: \`${effective}\`**`), markdown);
      assert.ok(markdown.includes(`| ✔ | config.yaml:3 (task) ← here | ${source} |`), markdown);
    });
  }

  test('max_retries: .5 is a float, truncated to 0 (a warning)', () => {
    const diagnostics = diagnose('task:\n  src.tasks.billing.chargeCard:\n    max_retries: .5\n');
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['TL003', 2]], describeDiagnostics(diagnostics));
    const { markdown } = hoverAt(fixture('app'), CONFIG, 'task:\n  src.tasks.billing.chargeCard:\n    max_retries: .|5\n');
    assert.ok(markdown.includes('**Effective for `src.tasks.billing.chargeCard`: `0`**'), markdown);
  });
});

describe('booleans in many spellings (YAML 1.2 core, as SPEC §5 says)', () => {
  // `True`/`TRUE` are booleans; `yes`/`on`/`y` are strings (true, with a warning); `No`/`off`/`n` are strings that read as true (TL012).
  const spellings: [written: string, codes: string[]][] = [
    ['True', []], ['TRUE', []], ['false', []], ['yes', ['TL003']], ['on', ['TL003']], ['y', ['TL003']], ['No', ['TL012']], ['off', ['TL012']], ['n', ['TL012']],
  ];
  for (const [written, expected] of spellings) {
    test(`call_result_cache: ${written}`, () => {
      diagnoseTo(`task:\n  src.tasks.billing.chargeCard:\n    call_result_cache: ${written}\n`, expected);
      const effective = written === 'false' ? 'false' : 'true';
      const { markdown } = hoverAt(fixture('app'), CONFIG, `task:\n  src.tasks.billing.chargeCard:\n    call_result_cac|he: ${written}\n`);
      assert.ok(markdown.includes(`**Effective for \`src.tasks.billing.chargeCard\`: \`${effective}\`**`), markdown);
    });
  }
});

describe('.env lines half typed', () => {
  const ENV = '.env';

  test('`PYNENC__CONFIGTASK__|`: every field at class level, and each task', () => {
    const c = completeAt(fixture('app'), ENV, 'PYNENC__CONFIGTASK__|');
    for (const field of fieldsExcept()) assert.ok(labels(c.items).includes(`PYNENC__CONFIGTASK__${field.toUpperCase()}`), field);
    assert.ok(labels(c.items).includes('PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__'));
    assertFoundByWhatIsTyped(c);
  });

  test('a half-typed name before its `=`: the value stays', () => {
    const c = completeAt(fixture('app'), ENV, 'PYNENC__MAX_RE|=3\n');
    assert.equal(c.accept('PYNENC__MAX_RETRIES'), 'PYNENC__MAX_RETRIES=3\n');
  });

  test('a value with an opened quote: the values, in the quote', () => {
    const c = completeAt(fixture('app'), ENV, 'PYNENC__RUNNING_CONCURRENCY="ke|');
    assert.deepEqual(labels(c.items), ENUM);
    assert.equal(c.accept('keys'), 'PYNENC__RUNNING_CONCURRENCY="keys"');
    assertFoundByWhatIsTyped(c);
  });

  test('an unclosed quote: one problem on its line, the next line still read', () => {
    const w = fixture('app');
    const { diagnostics } = diagnoseMarked(w, ENV, 'PYNENC__MAX_RETRIES="3\nPYNENC__CONFIGTASK__RUNNING_CONCURRENCY=KEYS\n');
    assert.deepEqual(diagnostics.map((d) => `${d.code}@${d.range.start.line}`), ['TL003@0', 'TL004@1'], describeDiagnostics(diagnostics));
  });
});

describe('hover in a JSON or TOML file that fails to load', () => {
  /** The hover leads with the load error, then says what the parts that parse give. */
  function assertLeadsWithError(markdown: string, task: string, error: string, parts: string): void {
    assert.ok(markdown.includes(`**Effective for \`${task}\`: ⚠ error**\n\n> ${error}`), markdown);
    assert.ok(markdown.includes(`_The runtime refuses the file; the parts that do parse would give_ ${parts}._`), markdown);
  }

  test('JSON: a value not typed yet elsewhere in the file', () => {
    const w = fixture('app', { settings: { configFiles: ['config.json'] } });
    const { markdown, covers } = hoverAt(w, 'config.json', '{"max_retries": 2, "task": {"src.tasks.email.sendDigest": {"call_result_ca|che": false, "running_concurrency": }}}\n');
    assert.equal(covers, '"call_result_cache"');
    assertLeadsWithError(markdown, 'src.tasks.email.sendDigest', 'Invalid JSON file config.json: Expecting value', '`false` _from config.json:1 (task)');
  });

  test('TOML: a half-typed key, with a per-task table below it', () => {
    const w = fixture('app', { settings: { configFiles: ['config.toml'] } });
    const text = 'parallel_batch_size = 7\nmax_re\n[task."src.tasks.email.sendDigest"]\ncall_result_cache = false\n';
    const digest = hoverAt(w, 'config.toml', text.replace('call_result', 'call_res|ult'));
    assertLeadsWithError(digest.markdown, 'src.tasks.email.sendDigest', 'Invalid TOML file config.toml: Invalid TOML document: illegal character in key', '`false` _from config.toml:4 (task)');
    const generic = hoverAt(w, 'config.toml', text.replace('parallel', 'para|llel'));
    assertLeadsWithError(generic.markdown, 'a task with no settings of its own', 'Invalid TOML file config.toml', '`7` _from config.toml:1 (generic)');
  });

  test('pyproject.toml: the values of the other sources', () => {
    const { markdown } = hoverAt(fixture('app'), 'pyproject.toml', '[project]\nname = "app"\n\n[tool.pynenc]\nparallel_batch_si|ze = 20\nmax_re\n');
    assertLeadsWithError(markdown, 'a task with no settings of its own', 'Invalid TOML file pyproject.toml', '`50` _from config.yaml:2 (generic)');
  });
});

describe('task ids beyond ASCII', () => {
  const unicode = { files: { 'src/tasks/straße.ts': "import { task } from '../../lib/tasks';\n\nexport const grüßen = task(async (name: string) => {\n  console.log(name);\n});\n" } };
  const ID = 'src.tasks.straße.grüßen';

  test('a section key typed to its last letters', () => {
    const c = completeAt(fixture('app', unicode), CONFIG, 'task:\n  src.tasks.straße.grü|\n');
    assert.equal(c.accept(ID), `task:\n  ${ID}:\n    \n`);
    assertFoundByWhatIsTyped(c);
  });

  test("hover on a field of that task's section", () => {
    const { markdown } = hoverAt(fixture('app', unicode), CONFIG, `task:\n  ${ID}:\n    max_ret|ries: 4\n`);
    assert.ok(markdown.includes(`**Effective for \`${ID}\`: \`4\`**`), markdown);
  });
});
