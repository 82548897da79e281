// Typing tolerance (issue #9): the states a config.yaml passes through while a
// user types it — half a key, `key: ` with nothing after it, an open `[` or `{`,
// a tab or a syntax error somewhere else, CRLF line ends, a comment after the
// cursor — and what completion, hover and diagnostics must still answer there.
// Every completion item is applied to the text (its whole edit), and the result
// must be the YAML the user meant, read by the `yaml` package.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codes, describeDiagnostics, fieldRows, labels } from './assertions';
import { diagnoseMarked, fixture, hoverAt } from './harness';
import {
  assertEveryItemParses, assertPartsGive, complete, completeOffering, completeTo, CONFIG, ENUM, EXCEPTIONS, FIELDS, fieldsExcept, prefixes, read, sorted, TASKS,
} from './typing';

describe('half-typed flow mappings', () => {
  test('an enum value with a space before the closing brace', () => {
    const c = completeOffering('task:\n  src.tasks.email.sendEmail: { max_retries: 2, registration_concurrency: | }\n', ENUM);
    assert.deepEqual(read(c.accept('keys')), { task: { 'src.tasks.email.sendEmail': { max_retries: 2, registration_concurrency: 'keys' } } });
  });

  test('an enum value with no spaces around it, right after the colon', () => {
    const c = completeOffering('task:\n  src.tasks.email.sendEmail: {max_retries: 2,running_concurrency:|}\n', ENUM);
    assert.deepEqual(read(c.accept('task')), { task: { 'src.tasks.email.sendEmail': { max_retries: 2, running_concurrency: 'task' } } });
  });

  test('a half-typed enum value is replaced, the brace kept', () => {
    completeTo('task:\n  src.tasks.email.sendEmail: { running_concurrency: ke| }\n', 'keys', '  src.tasks.email.sendEmail: { running_concurrency: keys }');
  });

  test('a key after a comma: the fields not set in that mapping, no task ids', () => {
    const c = completeOffering('task:\n  src.tasks.email.sendEmail: { max_retries: 2, | }\n', fieldsExcept('max_retries'));
    assert.deepEqual(read(c.accept('call_result_cache')), { task: { 'src.tasks.email.sendEmail': { max_retries: 2, call_result_cache: null } } });
  });

  test('a half-typed key in a flow mapping, keys after the cursor counted as set', () => {
    const c = completeTo('task:\n  src.tasks.email.sendEmail: { run|, max_retries: 2 }\n', 'running_concurrency', '  src.tasks.email.sendEmail: { running_concurrency: , max_retries: 2 }');
    assert.deepEqual(sorted(labels(c.items)), fieldsExcept('max_retries'));
  });

  test('JSON-style quoted keys with no spaces count as set', () => {
    completeOffering('task:\n  src.tasks.email.sendEmail: {"max_retries":2,"call_result_cache":true,|}\n', fieldsExcept('max_retries', 'call_result_cache'));
  });

  test('a value typed right after the colon with no space is one scalar: nothing offered', () => {
    assert.deepEqual(complete('task:\n  src.tasks.email.sendEmail: { running_concurrency:ke| }\n').items, []);
  });

  test('a half-typed key before its colon keeps the value', () => {
    const c = complete('task:\n  src.tasks.billing.refund: { max_re|: 3 }\n');
    assert.deepEqual(read(c.accept('max_retries')), { task: { 'src.tasks.billing.refund': { max_retries: 3 } } });
  });

  test('an unclosed flow mapping at the end of the file (no newline)', () => {
    const c = completeTo('task:\n  src.tasks.email.sendEmail: { max_retries: 2, running_concurrency: |', 'arguments', '  src.tasks.email.sendEmail: { max_retries: 2, running_concurrency: arguments', { close: ' }' });
    assert.deepEqual(labels(c.items), ENUM);
  });

  test('nested flow mappings: `task: { <id>: { field: | } }`', () => {
    const c = completeOffering('task: { src.tasks.email.sendEmail: { running_concurrency: | } }\n', ENUM);
    assert.deepEqual(read(c.accept('keys')), { task: { 'src.tasks.email.sendEmail': { running_concurrency: 'keys' } } });
  });

  test('a flow mapping at task level: fields and task ids, written as flow keys', () => {
    const c = completeOffering('task: { max_retries: 1, | }\n', sorted([...fieldsExcept('max_retries'), ...TASKS]));
    assert.deepEqual(read(c.accept('src.tasks.billing.refund')), { task: { max_retries: 1, 'src.tasks.billing.refund': null } });
  });

  test('exception names in a list inside a flow mapping', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail: { max_retries: 2, retry_for: [| ] }\n');
    for (const name of EXCEPTIONS) assert.ok(labels(c.items).includes(name), name);
    assertEveryItemParses(c);
    assert.deepEqual(read(c.accept('builtins.TypeError')), { task: { 'src.tasks.email.sendEmail': { max_retries: 2, retry_for: ['builtins.TypeError'] } } });
  });

  test("the section's parameter names in key_arguments inside a flow mapping", () => {
    const c = complete('task:\n  src.tasks.email.sendEmail: { key_arguments: [to, |] }\n');
    assert.deepEqual(sorted(labels(c.items)), ['body', 'subject'], 'not `to` again: the list holds it');
    assert.deepEqual(read(c.accept('subject')), { task: { 'src.tasks.email.sendEmail': { key_arguments: ['to', 'subject'] } } });
  });

  test('a flow mapping followed by a comment', () => {
    const c = completeTo('task:\n  src.tasks.email.sendEmail: { running_concurrency: | } # tuned for the mail server\n', 'keys', '  src.tasks.email.sendEmail: { running_concurrency: keys } # tuned for the mail server');
    assert.deepEqual(labels(c.items), ENUM);
  });

  test('a flow mapping over several lines', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail: {\n    max_retries: 2,\n    running_concurrency: |\n  }\n');
    assert.deepEqual(labels(c.items), ENUM);
    assert.deepEqual(read(c.accept('keys')), { task: { 'src.tasks.email.sendEmail': { max_retries: 2, running_concurrency: 'keys' } } });
  });
});

describe('half-typed flow sequences', () => {
  test('any spacing around the items', () => {
    const c = complete('task:\n  retry_for: [ builtins.TypeError ,| ]\n');
    for (const name of EXCEPTIONS) assert.equal(labels(c.items).includes(name), name !== 'builtins.TypeError', name);
    assertEveryItemParses(c);
    assert.deepEqual(read(c.accept('src.errors.network.NetworkError')), { task: { retry_for: ['builtins.TypeError', 'src.errors.network.NetworkError'] } });
  });

  test('an unclosed list at the end of the file', () => {
    const c = completeTo('task:\n  src.tasks.billing.refund:\n    retry_for: [|', 'builtins.TypeError', '    retry_for: [builtins.TypeError', { close: ']' });
    for (const name of EXCEPTIONS) assert.ok(labels(c.items).includes(name), name);
  });

  test('a half-typed qualified name is replaced whole', () => {
    const c = complete('task:\n  retry_for: [src.errors.network.Netw|]\n');
    assert.deepEqual(read(c.accept('src.errors.network.NetworkError')), { task: { retry_for: ['src.errors.network.NetworkError'] } });
  });
});

describe('a syntax error or a tab somewhere else', () => {
  test('a tab-indented line in another per-task section', () => {
    completeOffering('task:\n  src.tasks.billing.refund:\n\tmax_retries: 1\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    |\n', fieldsExcept('max_retries'), { elsewhere: true });
  });

  test('a tab-indented line as the first line under task:', () => {
    const c = complete('task:\n\tmax_retries: 1\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    |\n');
    assert.deepEqual(sorted(labels(c.items)), fieldsExcept('max_retries'));
  });

  test('a tab-indented line above, in a file read whole (it starts with ---)', () => {
    const text = '---\ntask:\n  src.tasks.email.sendEmail:\n    max_retries: 5\n\trunning_concurrency: keys\n  src.tasks.billing.chargeCard:\n    call_result_cache: true\n    |\n';
    const c = complete(text);
    for (const field of ['max_retries', 'running_concurrency', 'retry_for']) assert.ok(labels(c.items).includes(field), field);
    assert.ok(!labels(c.items).includes('call_result_cache'), 'already set in this section');
    assert.ok(!labels(c.items).some((l) => TASKS.includes(l)), 'no task ids in a per-task section');
  });

  test('an enum value while another section holds an unclosed list', () => {
    const c = complete('task:\n  src.tasks.billing.refund:\n    retry_for: [builtins.TypeError\n  src.tasks.email.sendEmail:\n    running_concurrency: |\n');
    assert.deepEqual(labels(c.items), ENUM);
  });

  test('a stray line at top level does not stop completion in task:', () => {
    const c = completeTo('parallel_batch_size: 50\noops\ntask:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    reg|\n', 'registration_concurrency', '    registration_concurrency: ', { elsewhere: true });
    assert.deepEqual(sorted(labels(c.items)), fieldsExcept('max_retries'));
  });
});

describe('comments and line ends', () => {
  test('a half-typed key followed by a comment keeps the comment', () => {
    completeTo('task:\n  src.tasks.email.sendEmail:\n    max_re| # tune later\n', 'max_retries', '    max_retries:  # tune later');
  });

  test('a comment right after the cursor is not part of the word', () => {
    const c = completeTo('task:\n  src.tasks.email.sendEmail:\n    running_concurrency: |# why: the mail server\n', 'keys', '    running_concurrency: keys # why: the mail server');
    assert.deepEqual(labels(c.items), ENUM);
    assert.deepEqual(read(c.accept('keys')), { task: { 'src.tasks.email.sendEmail': { running_concurrency: 'keys' } } });
  });

  test('a key typed right before a comment', () => {
    completeTo('task:\n  max_re|# per attempt\n', 'max_retries', '  max_retries: # per attempt');
  });

  test('an empty retry_for followed by a comment', () => {
    completeTo('task:\n  retry_for: | # none yet\n', 'builtins.TypeError', '  retry_for: [builtins.TypeError] # none yet');
  });

  test('CRLF: a key in a per-task section', () => {
    const c = completeOffering('task:\r\n  src.tasks.email.sendEmail:\r\n    max_retries: 2\r\n    run|\r\n', fieldsExcept('max_retries'));
    assert.equal(c.accept('running_concurrency'), 'task:\r\n  src.tasks.email.sendEmail:\r\n    max_retries: 2\r\n    running_concurrency: \r\n');
  });

  test('CRLF: an enum value in a flow mapping', () => {
    const c = complete('task:\r\n  src.tasks.email.sendEmail: { max_retries: 2, running_concurrency: | }\r\n');
    assert.deepEqual(labels(c.items), ENUM);
    assert.deepEqual(read(c.accept('keys')), { task: { 'src.tasks.email.sendEmail': { max_retries: 2, running_concurrency: 'keys' } } });
  });

  test('CRLF: Enter at a section boundary', () => {
    const c = complete('task:\r\n  src.tasks.email.sendEmail:\r\n    max_retries: 2\r\n    |\r\n  src.tasks.billing.chargeCard:\r\n    call_result_cache: true\r\n');
    assert.deepEqual(sorted(labels(c.items)), fieldsExcept('max_retries'));
  });
});

describe('a key typed character by character', () => {
  test('at top level', () => {
    for (const typed of prefixes('max_retries')) {
      const c = complete(`parallel_batch_size: 50\n${typed}|\n`);
      assert.deepEqual(sorted(labels(c.items)), sorted([...fieldsExcept('parallel_batch_size'), 'task']), typed);
      assert.deepEqual(read(c.accept('max_retries')), { parallel_batch_size: 50, max_retries: null }, typed);
    }
  });

  test('at task: level, at the end of the file', () => {
    for (const typed of prefixes('running_concurrency')) {
      const c = complete(`task:\n  max_retries: 1\n  ${typed}|`);
      assert.deepEqual(sorted(labels(c.items)), sorted([...fieldsExcept('max_retries'), ...TASKS]), typed);
      assert.deepEqual(read(c.accept('running_concurrency')), { task: { max_retries: 1, running_concurrency: null } }, typed);
    }
  });

  test('in a per-task section', () => {
    for (const typed of prefixes('call_result_cache')) {
      const c = complete(`task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    ${typed}|\n  src.tasks.billing.refund:\n    max_retries: 1\n`);
      assert.deepEqual(sorted(labels(c.items)), fieldsExcept('max_retries'), typed);
      assertEveryItemParses(c);
    }
  });

  test('a per-task section key', () => {
    for (const typed of prefixes('src.tasks.billing.refund')) {
      const c = complete(`task:\n  src.tasks.email.sendEmail:\n    max_retries: 1\n  ${typed}|\n`);
      assert.deepEqual(labels(c.items).filter((l) => l.startsWith('src.')).sort(), TASKS.filter((t) => t !== 'src.tasks.email.sendEmail'), typed);
      assert.deepEqual(read(c.accept('src.tasks.billing.refund')), { task: { 'src.tasks.email.sendEmail': { max_retries: 1 }, 'src.tasks.billing.refund': null } }, typed);
    }
  });

  test('an argument name inside a key_arguments flow list', () => {
    for (const typed of prefixes('subject')) {
      const c = complete(`task:\n  src.tasks.email.sendEmail:\n    key_arguments: [to, ${typed}|]\n`);
      assert.deepEqual(sorted(labels(c.items)), ['body', 'subject'], typed);
      assert.deepEqual(read(c.accept('subject')), { task: { 'src.tasks.email.sendEmail': { key_arguments: ['to', 'subject'] } } }, typed);
    }
  });

  test('an argument name in a key_arguments block list', () => {
    for (const typed of prefixes('amountCents')) {
      const c = complete(`task:\n  src.tasks.billing.chargeCard:\n    key_arguments:\n      - customerId\n      - ${typed}|\n`);
      assert.deepEqual(sorted(labels(c.items)), ['amountCents'], typed);
      assert.deepEqual(read(c.accept('amountCents')), { task: { 'src.tasks.billing.chargeCard': { key_arguments: ['customerId', 'amountCents'] } } }, typed);
    }
  });

  test('an enum value', () => {
    for (const typed of prefixes('arguments')) {
      const c = complete(`task:\n  src.tasks.billing.refund:\n    running_concurrency: ${typed}|\n`);
      assert.deepEqual(labels(c.items), ENUM, typed);
      assert.deepEqual(read(c.accept('arguments')), { task: { 'src.tasks.billing.refund': { running_concurrency: 'arguments' } } }, typed);
    }
  });
});

describe('a new first line above the sections', () => {
  test('a key typed above task: is a top-level key; task: is not offered again', () => {
    const c = complete('max_re|\ntask:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n');
    assert.deepEqual(sorted(labels(c.items)), sorted(FIELDS));
    assert.deepEqual(read(c.accept('max_retries')), { max_retries: null, task: { 'src.tasks.email.sendEmail': { max_retries: 2 } } });
  });

  test('hover below it: the value the sections give, not a key made of the two lines', () => {
    assertPartsGive('max_re\ntask:\n  src.tasks.email.sendEmail:\n    running_con|currency: keys\n', 'running_concurrency', 'src.tasks.email.sendEmail', '"keys"', 'config.yaml:4 (task)');
  });

  test('diagnostics: the half-typed line, and no unknown field made of it and the next key', () => {
    const { diagnostics } = diagnoseMarked(fixture('app'), CONFIG, 'max_re\ntask:\n  src.tasks.email.sendEmail:\n    running_concurrency: keys\n');
    assert.deepEqual(codes(diagnostics), ['TL001'], describeDiagnostics(diagnostics));
    assert.equal(diagnostics[0].range.start.line, 0);
  });
});

describe('Enter, then indentation, at a section boundary', () => {
  test("the previous section's remaining fields, not task ids", () => {
    completeOffering('task:\n  src.tasks.email.sendEmail:\n    max_retries: 5\n    |\n  src.tasks.billing.chargeCard:\n    call_result_cache: true\n', fieldsExcept('max_retries'));
  });

  test('before a blank line and a top-level key', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail:\n    max_retries: 5\n    running_concurrency: keys\n    |\n\nparallel_batch_size: 3\n');
    assert.deepEqual(sorted(labels(c.items)), fieldsExcept('max_retries', 'running_concurrency'));
  });

  test('after a block list that ends the section', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail:\n    retry_for:\n      - builtins.TypeError\n    |\n  src.tasks.billing.chargeCard:\n    call_result_cache: true\n');
    assert.deepEqual(sorted(labels(c.items)), fieldsExcept('retry_for'));
  });

  test('after a blank line inside the section', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail:\n    max_retries: 5\n\n    |\n  src.tasks.billing.chargeCard:\n    call_result_cache: true\n');
    assert.deepEqual(sorted(labels(c.items)), fieldsExcept('max_retries'));
  });
});

describe('empty values', () => {
  test('right after `retry_for:` at the end of the file', () => {
    completeTo('task:\n  retry_for:|', 'builtins.TypeError', '  retry_for: [builtins.TypeError]');
  });

  test('`retry_for:` then a list item, at the end of the file', () => {
    const c = complete('task:\n  retry_for:\n    - |');
    for (const name of EXCEPTIONS) assert.ok(labels(c.items).includes(name), name);
    assert.deepEqual(read(c.accept('src.errors.base.AppError')), { task: { retry_for: ['src.errors.base.AppError'] } });
  });

  test('a list item at the key\'s own indentation in a per-task section', () => {
    const c = complete('task:\n  src.tasks.email.sendEmail:\n    retry_for:\n    - |\n    max_retries: 2\n');
    for (const name of EXCEPTIONS) assert.ok(labels(c.items).includes(name), name);
    assert.deepEqual(read(c.accept('builtins.TypeError')), { task: { 'src.tasks.email.sendEmail': { retry_for: ['builtins.TypeError'], max_retries: 2 } } });
  });

  test('a boolean right after the colon at the end of the file', () => {
    const c = complete('task:\n  src.tasks.billing.refund:\n    call_result_cache:|');
    assert.deepEqual(labels(c.items), ['true', 'false']);
    assert.deepEqual(read(c.accept('true')), { task: { 'src.tasks.billing.refund': { call_result_cache: true } } });
  });
});

describe('per-task section keys and near-empty documents', () => {
  test('a half-typed section key: the task ids, the rest of the section written', () => {
    const c = complete('task:\n  max_retries: 1\n  src.tasks.em|\n');
    assert.deepEqual(labels(c.items).filter((l) => l.startsWith('src.')).sort(), TASKS);
    assert.equal(c.accept('src.tasks.email.sendDigest'), 'task:\n  max_retries: 1\n  src.tasks.email.sendDigest:\n    \n');
    assertEveryItemParses(c);
  });

  test('a half-typed section key before its colon and fields', () => {
    const c = complete('task:\n  src.tasks.em|:\n    max_retries: 1\n');
    assert.deepEqual(read(c.accept('src.tasks.email.sendEmail')), { task: { 'src.tasks.email.sendEmail': { max_retries: 1 } } });
  });

  test('a document with only `task:` and an indented empty line', () => {
    const c = completeOffering('task:\n  |', sorted([...FIELDS, ...TASKS]));
    assert.equal(c.accept('src.tasks.billing.refund'), 'task:\n  src.tasks.billing.refund:\n    ');
  });

  test('a document with only `task:`, the cursor back at column 0', () => {
    completeOffering('task:\n|', sorted(FIELDS));
  });

  test('a first key at the end of an empty file', () => {
    const c = complete('max_re|');
    assert.deepEqual(sorted(labels(c.items)), sorted([...FIELDS, 'task']));
    assert.equal(c.accept('task'), 'task:\n  ');
    assertEveryItemParses(c);
  });
});

describe('hover while the file is half typed', () => {
  // A field of chargeCard (`max_retries: 3`) in a file the runtime refuses for a reason elsewhere.
  const elsewhere: [name: string, marked: string, source: string][] = [
    ['a tab line in another section: the value the parts that parse give', 'task:\n  src.tasks.email.sendEmail:\n    running_concurrency: keys\n\tcall_result_cache: true\n  src.tasks.billing.chargeCard:\n    max_ret|ries: 3\n', 'config.yaml:6 (task)'],
    ['a tab line as the first line under task: does not turn the next section into its value', 'task:\n\tmax_retries: 1\n  src.tasks.billing.chargeCard:\n    max_ret|ries: 3\n', 'config.yaml:4 (task)'],
    ['a half-typed key in another section', 'task:\n  src.tasks.billing.chargeCard:\n    max_ret|ries: 3\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    max_re\n', 'config.yaml:3 (task)'],
    ['an unclosed flow list in a top-level key', 'task:\n  src.tasks.billing.chargeCard:\n    max_ret|ries: 3\nretry_for: [builtins.TypeError\n', 'config.yaml:3 (task)'],
    ['an unclosed flow mapping: the entries before the cursor still give their value', 'task:\n  src.tasks.billing.chargeCard: { max_ret|ries: 3, ru\n', 'config.yaml:2 (task)'],
  ];
  for (const [name, marked, source] of elsewhere) {
    test(name, () => assertPartsGive(marked, 'max_retries', 'src.tasks.billing.chargeCard', '3', source));
  }

  test("a task's section key in a file that fails to load: each value the parts that parse give, the error once", () => {
    const { markdown, covers } = hoverAt(fixture('app'), CONFIG, 'task:\n  max_retries: 1\n  src.tasks.email.sendEmail:\n\tcall_result_cache: true\n  src.tasks.billing.charge|Card:\n    max_retries: 3\n');
    assert.equal(covers, 'src.tasks.billing.chargeCard');
    const rows = fieldRows(markdown);
    assert.equal(rows.length, 11, markdown);
    assert.ok(rows.includes('| `max_retries` | ⚠ error 1<br>the parts that parse would give `3` from config.yaml:6 (task) | config.yaml:4 |'), markdown);
    assert.ok(rows.includes('| `parallel_batch_size` | ⚠ error 1<br>the parts that parse would give `20` from pyproject.toml:5 (generic) | config.yaml:4 |'), markdown);
    assert.equal(markdown.split('Tabs are not allowed as indentation').length, 2, `the error is listed once:\n${markdown}`);
  });

  test('a field in a flow mapping section', () => {
    const { markdown, covers } = hoverAt(fixture('app'), CONFIG, 'task:\n  src.tasks.billing.chargeCard: { max_ret|ries: 3, call_result_cache: true }\n');
    assert.equal(covers, 'max_retries');
    assert.ok(markdown.includes('**Effective for `src.tasks.billing.chargeCard`: `3`**'), markdown);
    assert.ok(markdown.includes('| ✔ | config.yaml:2 (task) ← here | `3` |'), markdown);
  });

  test('CRLF: the source lines are counted right', () => {
    const { markdown, covers } = hoverAt(fixture('app'), CONFIG, 'parallel_batch_size: 50\r\ntask:\r\n  src.tasks.billing.chargeCard:\r\n    max_retries: 3\r\n    running_con|currency: task\r\n');
    assert.equal(covers, 'running_concurrency');
    assert.ok(markdown.includes("| ✔ | config.yaml:5 (task) ← here | `'task'` |"), markdown);
  });

  test('a value followed by a comment covers the value only', () => {
    const { markdown, covers } = hoverAt(fixture('app'), CONFIG, 'task:\n  src.tasks.billing.chargeCard:\n    max_retries: |3 # a few\n');
    assert.equal(covers, '3');
    assert.ok(markdown.includes('**Effective for `src.tasks.billing.chargeCard`: `3`**'), markdown);
  });
});

describe('diagnostics while the file is half typed', () => {
  /** The diagnostics of config.yaml as `marked` (`«…»` marks the expected TL001s). */
  function tl001(marked: string) {
    const { diagnostics, doc } = diagnoseMarked(fixture('app'), CONFIG, marked);
    const found = diagnostics.filter((d) => d.code === 'TL001').map((d) => `${d.range.start.line}:${d.range.start.character}`);
    const expected = doc.ranges.map((r) => `${r.start.line}:${r.start.character}`);
    assert.deepEqual(found, expected, describeDiagnostics(diagnostics));
    return diagnostics;
  }

  test('a key with nothing after its colon yet', () => {
    const diagnostics = tl001('task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    running_concurrency:\n');
    assert.deepEqual(codes(diagnostics), ['TL004', 'TL014']);
  });

  test('an empty list item', () => {
    tl001('task:\n  src.tasks.email.sendEmail:\n    retry_for:\n      - \n');
  });

  test('an empty value in a flow mapping, and a trailing comma in a flow list', () => {
    tl001('task:\n  src.tasks.email.sendEmail: { max_retries: 2, registration_concurrency: }\n  src.tasks.billing.refund:\n    retry_for: [builtins.TypeError, ]\n');
  });

  test('a half-typed key: one TL001, where the runtime stops', () => {
    tl001('task:\n  src.tasks.email.sendEmail:\n    max_retries: 2\n    «m»ax_re\n');
  });

  test('an unclosed list at the end of the file: one TL001', () => {
    tl001('task:\n  src.tasks.email.sendEmail:\n    retry_for: [\n«»');
  });

  test('a dash typed at the start of a line: one TL001, not one per parser complaint', () => {
    tl001('task:\n  max_retries: 1\n«  -»\n');
  });

  test('a per-task section key with nothing under it yet is no unknown field', () => {
    const diagnostics = tl001('task:\n  src.tasks.email.sendEmail:\n    \n  src.tasks.billing.refund:\n    max_retries: 1\n');
    assert.deepEqual(codes(diagnostics), []);
  });

  test('a document with only `task:`, and `key:` at the end of a file without newline', () => {
    assert.deepEqual(diagnoseMarked(fixture('app'), CONFIG, 'task:').diagnostics, []);
    tl001('task:\n  src.tasks.billing.refund:\n    max_retries:');
  });

  test('CRLF: the TL001 of a half-typed key is on its line', () => {
    tl001('task:\r\n  src.tasks.email.sendEmail:\r\n    max_retries: 2\r\n    «r»unning\r\n');
  });

  test('a tab line: one TL001 at the tab, and the other sections still checked', () => {
    const diagnostics = tl001('task:\n  src.tasks.email.sendEmail:\n«\t»max_retries: 2\n  src.tasks.billing.refund:\n    running_concurrency: KEYS\n');
    assert.ok(diagnostics.some((d) => d.code === 'TL004' && d.range.start.line === 4), describeDiagnostics(diagnostics));
  });

  test('JSON: a value not typed yet is one load error, where it is missing', () => {
    const w = fixture('app', { settings: { configFiles: ['config.json'] } });
    const { diagnostics } = diagnoseMarked(w, 'config.json', '{"max_retries": 2, "running_concurrency": }\n');
    assert.deepEqual(codes(diagnostics), ['TL001'], describeDiagnostics(diagnostics));
    assert.deepEqual(diagnostics[0].range.start, { line: 0, character: 42 });
  });

  test('pyproject.toml: a half-typed key in [tool.pynenc] is one load error', () => {
    const w = fixture('app');
    const { diagnostics } = diagnoseMarked(w, 'pyproject.toml', '[project]\nname = "app"\n\n[tool.pynenc]\nparallel_batch_size = 20\nmax_re\n');
    assert.deepEqual(codes(diagnostics), ['TL001'], describeDiagnostics(diagnostics));
    assert.equal(diagnostics[0].range.start.line, 5, describeDiagnostics(diagnostics));
  });
});
