// The TypeScript index: which task() calls are recognised (SPEC §3), what their
// options read as, and how names resolve across files (SPEC §2, §6).
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { analysisDepth, analyzeTypeScriptFile, TypeScriptIndex } from '../../server/src/analysis/typescriptIndex';
import { TaskDefinition, TypeScriptFileFacts } from '../../server/src/analysis/typescriptFacts';
import { ConfigNode, mapGet, nodeToPlain } from '../../server/src/resolver';
import * as ts from 'typescript';
import { FIXTURES } from '../paths';

/** Analysis never throws: an internal error it swallowed fails the test instead. */
function failOnInternalError(error: unknown, file: string): never {
  assert.fail(`internal error on ${file}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

const OPTIONS = { moduleRoot: '', taskFunctionNames: ['task'], onInternalError: failOnInternalError };

function analyze(text: string, file = 'src/tasks/jobs.ts', taskFunctionNames: readonly string[] = ['task']): TypeScriptFileFacts {
  return analyzeTypeScriptFile(file, text, { ...OPTIONS, taskFunctionNames });
}

/** The one task of `text`, failing when there is not exactly one. */
function onlyTask(text: string, file?: string, names?: readonly string[]): TaskDefinition {
  const { tasks } = analyze(text, file, names);
  assert.equal(tasks.length, 1, `expected one task, got ${tasks.map((t) => t.func).join(', ')}`);
  return tasks[0];
}

/** The options as plain JSON (computed values become their source text). */
function plainOptions(task: TaskDefinition): unknown {
  return task.options === undefined ? undefined : nodeToPlain(task.options);
}

function option(task: TaskDefinition, key: string): ConfigNode | undefined {
  return task.options === undefined ? undefined : mapGet(task.options, key)?.value;
}

function written(text: string, range: { start?: number; end?: number } | undefined): string {
  return text.slice(range?.start, range?.end);
}

function taskIds(index: TypeScriptIndex): string[] {
  return index.tasks().map((t) => `${t.module}.${t.func}`).sort();
}

describe('recognised task() forms', () => {
  test('task(fn): an arrow is named after the variable it is assigned to', () => {
    const task = onlyTask('export const sendEmail = task(async (to: string, subject: string) => {});');
    assert.equal(task.module, 'src.tasks.jobs');
    assert.equal(task.func, 'sendEmail');
    assert.deepEqual(task.parameters, ['to', 'subject']);
    assert.equal(task.options, undefined);
    assert.equal(task.optionsRange, undefined);
  });

  test('task(fn, options)', () => {
    const text = 'export const a = task((x: number) => x, { max_retries: 3 });';
    const task = onlyTask(text);
    assert.equal(task.func, 'a');
    assert.deepEqual(plainOptions(task), { max_retries: 3 });
    assert.equal(written(text, task.optionsRange), '{ max_retries: 3 }');
    assert.equal(written(text, task.callRange), 'task((x: number) => x, { max_retries: 3 })');
  });

  test('task(options, fn)', () => {
    const task = onlyTask('export const b = task({ call_result_cache: true }, (y: string) => y);');
    assert.equal(task.func, 'b');
    assert.deepEqual(task.parameters, ['y']);
    assert.deepEqual(plainOptions(task), { call_result_cache: true });
  });

  test('task(options)(fn) is one task call, with the options of the inner call', () => {
    const text = 'export const c = task({ max_retries: 1 })(async (z: number) => z);';
    const task = onlyTask(text);
    assert.equal(task.func, 'c');
    assert.deepEqual(task.parameters, ['z']);
    assert.deepEqual(plainOptions(task), { max_retries: 1 });
    assert.equal(written(text, task.callRange), 'task({ max_retries: 1 })(async (z: number) => z)');
  });

  test('task(options) alone makes a decorator, not a task', () => {
    assert.deepEqual(analyze('const retrying = task({ max_retries: 2 });').tasks, []);
    assert.deepEqual(analyze('const options = { max_retries: 2 };\nconst retrying = task(options);').tasks, []);
  });

  test('calling a task is not a second task call', () => {
    const text = "import { handle } from './h';\nexport const d = task((n: number) => n);\nd(1);\ntask((m: number) => m)(2);\ntask(handle)(3);";
    assert.deepEqual(analyze(text).tasks.map((t) => [t.func, written(text, t.callRange)]), [
      ['d', 'task((n: number) => n)'],
      [undefined, 'task((m: number) => m)'],
      ['handle', 'task(handle)'],
    ]);
  });

  test('a property access ending in .task is recognised', () => {
    const task = onlyTask('export const e = app.task((n: number) => n, { max_retries: 2 });');
    assert.equal(task.func, 'e');
    assert.deepEqual(plainOptions(task), { max_retries: 2 });
  });

  test('the recognised names are a setting', () => {
    const text = 'export const f = job((n: number) => n);\nexport const g = task((n: number) => n);\nexport const h = app.job(() => 1);';
    assert.deepEqual(analyze(text, undefined, ['job']).tasks.map((t) => t.func), ['f', 'h']);
    assert.deepEqual(analyze(text, undefined, ['job', 'task']).tasks.map((t) => t.func), ['f', 'g', 'h']);
  });
});

describe('the task function', () => {
  test('a named function expression keeps its own name over the variable', () => {
    const text = 'export const alias = task(function realName(a, b) {}, { max_retries: 1 });';
    const task = onlyTask(text);
    assert.equal(task.func, 'realName');
    assert.equal(written(text, task.nameRange), 'realName');
    assert.deepEqual(task.parameters, ['a', 'b']);
  });

  test('an identifier naming a function declared in the file, even below the call', () => {
    const text = 'export const registered = task({ max_retries: 2 }, handler);\nfunction handler(orderId: string, retries = 1) {}';
    const task = onlyTask(text);
    assert.equal(task.func, 'handler');
    assert.deepEqual(task.parameters, ['orderId', 'retries']);
    assert.equal(written(text, task.nameRange), 'handler');
    assert.ok(task.nameRange.start > text.indexOf('function'), 'the name range is the declaration');
    assert.deepEqual(plainOptions(task), { max_retries: 2 });
  });

  test('an identifier naming a const arrow of the file', () => {
    const task = onlyTask('const process = async (batch: string[]) => batch;\nexport const t = task(process);');
    assert.equal(task.func, 'process');
    assert.deepEqual(task.parameters, ['batch']);
  });

  test('an imported handler keeps the name it was exported under; its parameters are unknown', () => {
    const task = onlyTask("import { handle as h } from './handlers';\nexport const t = task(h, { max_retries: 1 });");
    assert.equal(task.func, 'handle');
    assert.equal(task.parameters, undefined);
  });

  test('rest parameters keep their name; destructured parameters and `this` have none', () => {
    const task = onlyTask('export const t = task(function (this: unknown, id: string, { a, b }: Opts, ...rest: number[]) {});');
    assert.deepEqual(task.parameters, ['id', 'rest']);
  });

  test('an unknown name: func is undefined and the name range is the callee (TL020)', () => {
    const text = 'export default task(async () => {});\nregister(app.task(() => 1));';
    const { tasks } = analyze(text);
    assert.deepEqual(tasks.map((t) => t.func), [undefined, undefined]);
    assert.deepEqual(tasks.map((t) => written(text, t.nameRange)), ['task', 'app.task']);
  });

  test('a file outside the module root has no tasks', () => {
    const text = 'export const t = task(() => 1);';
    assert.deepEqual(analyzeTypeScriptFile('scripts/t.ts', text, { ...OPTIONS, moduleRoot: 'src' }).tasks, []);
    assert.equal(analyzeTypeScriptFile('src/a/t.ts', text, { ...OPTIONS, moduleRoot: 'src' }).tasks[0].module, 'a.t');
  });
});

describe('options', () => {
  test('literals become located values', () => {
    const text = [
      'export const t = task(() => 1, {',
      '  max_retries: 3,',
      "  'parallel_batch_size': -1,",
      '  ratio: 1.0,',
      '  hex: 0x10,',
      '  call_result_cache: true,',
      '  force_new_workflow: false,',
      "  key_arguments: ['a', `b`],",
      '  disable_cache_args: null,',
      '  on_diff_non_key_args_raise: undefined,',
      '  nested: { deep: [1, 2] },',
      '  running_concurrency: ConcurrencyControlType.KEYS,',
      '  registration_concurrency: ConcurrencyControlType.TASK,',
      '});',
    ].join('\n');
    const task = onlyTask(text);
    assert.deepEqual(plainOptions(task), {
      max_retries: 3,
      parallel_batch_size: -1,
      ratio: 1,
      hex: 16,
      call_result_cache: true,
      force_new_workflow: false,
      key_arguments: ['a', 'b'],
      disable_cache_args: null,
      on_diff_non_key_args_raise: null,
      nested: { deep: [1, 2] },
      running_concurrency: 'keys',
      registration_concurrency: 'task',
    });
    assert.equal(option(task, 'ratio')?.type, 'float', '1.0 is written as a float');
    assert.equal(option(task, 'max_retries')?.type, 'int');
    assert.equal(task.optionsHaveSpread, false);

    const batch = task.options?.entries.find((e) => e.key === 'parallel_batch_size');
    assert.equal(written(text, batch?.keyLoc), "'parallel_batch_size'");
    assert.equal(batch?.keyLoc?.line, 3);
    assert.equal(written(text, batch?.value.loc), '-1');
    assert.equal(batch?.value.loc?.line, 3);
    assert.equal(written(text, option(task, 'running_concurrency')?.loc), 'ConcurrencyControlType.KEYS');
  });

  test('any other expression is computed, with its source text', () => {
    const text = 'export const t = task(() => 1, { max_retries: limits.retries * 2, key_arguments: keys(), parallel_batch_size: `${n}`, running_concurrency: ConcurrencyControlType.NOPE });';
    const task = onlyTask(text);
    assert.deepEqual(task.options?.entries.map((e) => [e.key, e.value.type, nodeToPlain(e.value)]), [
      ['max_retries', 'computed', 'limits.retries * 2'],
      ['key_arguments', 'computed', 'keys()'],
      ['parallel_batch_size', 'computed', '`${n}`'],
      ['running_concurrency', 'computed', 'ConcurrencyControlType.NOPE'],
    ]);
    assert.equal(task.optionsHaveSpread, false);
  });

  test('a shorthand property is present and computed', () => {
    const task = onlyTask('const max_retries = 4;\nexport const t = task(() => 1, { max_retries });');
    assert.deepEqual(option(task, 'max_retries'), { type: 'computed', text: 'max_retries', loc: option(task, 'max_retries')?.loc });
  });

  test('a spread makes the key set unknown and is itself skipped', () => {
    const task = onlyTask('export const t = task(() => 1, { ...defaults, max_retries: 2 });');
    assert.equal(task.optionsHaveSpread, true);
    assert.deepEqual(plainOptions(task), { max_retries: 2 });
  });

  test('a computed key makes the key set unknown', () => {
    const task = onlyTask("export const t = task(() => 1, { [field]: 2, ['max_retries']: 1 });");
    assert.equal(task.optionsHaveSpread, true);
    assert.deepEqual(plainOptions(task), { max_retries: 1 });
  });

  test('options that are not an object literal: present, no key known', () => {
    for (const text of ['export const t = task(() => 1, defaults);', 'export const t = task(defaults, handler);\nfunction handler() {}', 'export const t = task(makeOptions())(() => 1);']) {
      const task = onlyTask(text);
      assert.deepEqual(task.options?.entries, [], text);
      assert.equal(task.optionsHaveSpread, true, text);
      assert.equal(task.optionsRange, undefined, text);
    }
  });
});

describe('retry_for class references', () => {
  test('built-ins, local classes, imports, namespaces; unresolvable ones stay bare', () => {
    const text = [
      "import { NetworkError, Timeout as Slow } from './errors';",
      "import * as errs from '../shared/errors';",
      "import DefaultError from './default-error';",
      "import { HttpError } from 'some-http-lib';",
      "import { RetryError } from 'tasklens';",
      'class LocalError extends Error {}',
      "export const t = task(() => 1, { retry_for: [TypeError, LocalError, NetworkError, Slow, errs.Gone, DefaultError, HttpError, RetryError, Mystery, other.Thing, 'builtins.ValueError'] });",
    ].join('\n');
    const task = onlyTask(text, 'src/tasks/jobs.ts');
    assert.deepEqual(nodeToPlain(option(task, 'retry_for') ?? { type: 'null' }), [
      'builtins.TypeError',
      'src.tasks.jobs.LocalError',
      'src.tasks.errors.NetworkError',
      'src.tasks.errors.Timeout',
      'src.shared.errors.Gone',
      'src.tasks.default-error.default',
      'HttpError',
      'tasklens.RetryError',
      'Mystery',
      'other.Thing',
      'builtins.ValueError',
    ]);
    assert.equal(option(task, 'retry_for')?.type, 'list');
    const items = option(task, 'retry_for');
    assert.ok(items?.type === 'list');
    assert.equal(items.items[9].type, 'computed', 'a property access that is not a namespace import is computed');
    assert.deepEqual(
      task.exceptionRefs.map((r) => [r.identifier, r.qualifiedName, written(text, r.range)]),
      [
        ['TypeError', 'builtins.TypeError', 'TypeError'],
        ['LocalError', 'src.tasks.jobs.LocalError', 'LocalError'],
        ['NetworkError', 'src.tasks.errors.NetworkError', 'NetworkError'],
        ['Slow', 'src.tasks.errors.Timeout', 'Slow'],
        ['errs.Gone', 'src.shared.errors.Gone', 'errs.Gone'],
        ['DefaultError', 'src.tasks.default-error.default', 'DefaultError'],
        ['HttpError', undefined, 'HttpError'],
        ['RetryError', 'tasklens.RetryError', 'RetryError'],
        ['Mystery', undefined, 'Mystery'],
      ],
    );
  });

  test('a local declaration shadows a built-in error name', () => {
    const task = onlyTask("const TypeError = makeError('t');\nexport const t = task(() => 1, { retry_for: [TypeError, RangeError] });");
    assert.deepEqual(task.exceptionRefs.map((r) => r.qualifiedName), [undefined, 'builtins.RangeError']);
  });

  test('only the last of repeated retry_for keys counts', () => {
    const task = onlyTask('export const t = task(() => 1, { retry_for: [TypeError], retry_for: [RangeError] });');
    assert.deepEqual(nodeToPlain(option(task, 'retry_for') ?? { type: 'null' }), ['builtins.RangeError']);
    assert.deepEqual(task.exceptionRefs.map((r) => r.identifier), ['RangeError']);
  });

  test('a spread inside retry_for makes the list computed', () => {
    const task = onlyTask('export const t = task(() => 1, { retry_for: [...common, TypeError] });');
    assert.equal(option(task, 'retry_for')?.type, 'computed');
    assert.deepEqual(task.exceptionRefs, []);
  });
});

describe('classes', () => {
  test('extends clauses resolve like retry_for items', () => {
    const text = [
      "import { Base } from './base';",
      "import * as errs from './errors';",
      'export class A extends Error {}',
      'class B extends A {}',
      'export class C extends Base {}',
      'export class D extends errs.Network {}',
      'export class E extends mixin(Error) {}',
      'export default class extends RangeError {}',
      'export class Plain {}',
      'const F = class extends TypeError {};',
    ].join('\n');
    const { classes } = analyze(text, 'src/errors/all.ts');
    assert.deepEqual(
      classes.map((c) => [c.name, c.extendsName]),
      [
        ['A', 'builtins.Error'],
        ['B', 'src.errors.all.A'],
        ['C', 'src.errors.base.Base'],
        ['D', 'src.errors.errors.Network'],
        ['E', 'mixin(Error)'],
        ['default', 'builtins.RangeError'],
        ['Plain', undefined],
        ['F', 'builtins.TypeError'],
      ],
    );
    assert.equal(written(text, classes[1].nameRange), 'B');
    assert.ok(classes.every((c) => c.module === 'src.errors.all' && c.file === 'src/errors/all.ts'));
  });

  test('imports map local names to qualified names', () => {
    const facts = analyze("import { A, B as C } from './x';\nimport * as ns from '../y';\nimport { z } from 'pkg';\nclass K extends A {}", 'src/m/file.ts');
    assert.deepEqual([...facts.imports], [
      ['A', 'src.m.x.A'],
      ['C', 'src.m.x.B'],
      ['ns', 'src.y'],
    ]);
  });
});

describe('error tolerance', () => {
  test('half-typed code still yields the calls around it', () => {
    const text = [
      'export const first = task(async (a: string) => { return a + }, { max_retries: 3 });',
      'export const second = task((b) => {',
      '  const x = ',
      '}, { max_retries: 2, retry_for: [TypeError',
      'export const third = task(function third(c) {}, { max_retries: 1 });',
    ].join('\n');
    const { tasks } = analyze(text);
    assert.deepEqual(tasks.map((t) => t.func), ['first', 'second', 'third']);
    assert.deepEqual(plainOptions(tasks[0]), { max_retries: 3 });
    assert.equal(nodeToPlain(option(tasks[1], 'max_retries') ?? { type: 'null' }), 2);
  });

  test('an unfinished call or an empty value leaves the tasks around it intact', () => {
    const before = 'export const before = task(() => 1, { max_retries: 1 });';
    const after = 'export const after = task(() => 2, { max_retries: 2 });';
    // Each fragment with the names of the tasks it is read as itself (undefined: a call whose name is unknown).
    const fragments: [string, (string | undefined)[]][] = [
      ['task(', []],
      ['task(() => 1, { max_retries: })', [undefined]],
      ['export const t = task(', []],
      ['task({', []],
      ['app.task(() => {}, { retry_for: [', [undefined]],
      ['@@@ class extends {', []],
      ['', []],
    ];
    for (const [fragment, own] of fragments) {
      assert.deepEqual(analyze(fragment).tasks.map((t) => t.func), own, fragment);
      const { tasks } = analyze([before, fragment, after].join('\n'));
      assert.deepEqual(tasks.map((t) => t.func), ['before', ...own, 'after'], fragment);
      assert.deepEqual(plainOptions(tasks[0]), { max_retries: 1 }, fragment);
      assert.deepEqual(plainOptions(tasks[tasks.length - 1]), { max_retries: 2 }, fragment);
    }
    const task = onlyTask('export const t = task(() => 1, { max_retries: });');
    assert.equal(option(task, 'max_retries')?.type, 'computed');
  });
});

describe('never throwing', () => {
  const TOKENS = ['task', 'app.task', '(', ')', '{', '}', '[', ']', ',', ':', '...', '=>', 'async', 'function', 'class', 'extends', 'Error', 'export', 'default', 'const x =', 'import', "from './e'", '* as ns', 'retry_for', 'max_retries', '3', '-', "'s'", 'ConcurrencyControlType.KEYS', 'ns.E', '`t`', ';', '\n', '/*', '*/', '//', '"'];

  test('on every prefix of a real task file, each call the prefix completes is read as in the whole file', () => {
    const file = 'src/tasks/email.ts';
    const text = fs.readFileSync(path.join(FIXTURES, 'ts-workspace', 'src', 'tasks', 'email.ts'), 'utf8');
    const reading = (t: TaskDefinition): string => JSON.stringify([t.func, t.callRange, t.nameRange, plainOptions(t)]);
    const whole = analyze(text, file).tasks;
    assert.equal(whole.length, 2);
    for (let end = 0; end <= text.length; end++) {
      const found = new Set(analyze(text.slice(0, end), file).tasks.map(reading));
      const complete = whole.filter((t) => t.callRange.end <= end).map(reading);
      assert.deepEqual(complete.filter((r) => !found.has(r)), [], `prefix of ${end} characters`);
    }
  });

  test('on token soup, in the index too, where tasks and classes are those each file reads as alone', () => {
    const shape = (t: TaskDefinition): unknown[] => [t.file, t.func, t.callRange, t.nameRange];
    const qualified = (classes: readonly { module: string; name: string }[]): string[] => [...new Set(classes.map((c) => `${c.module}.${c.name}`))];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), fc.array(fc.constantFrom(...TOKENS), { maxLength: 20 }), (a, b) => {
        const alone = [analyze(b.join(' '), 'src/e.ts'), analyze(a.join(' '), 'src/t.ts')];
        const index = new TypeScriptIndex(OPTIONS);
        index.update('src/e.ts', b.join(' '));
        index.update('src/t.ts', a.join(' '));
        assert.deepEqual(index.tasks().map(shape), alone.flatMap((facts) => facts.tasks.map(shape)));
        assert.deepEqual(qualified(index.exceptionClasses()), qualified(alone.flatMap((facts) => facts.classes)));
      }),
      { numRuns: 300 },
    );
  });

  /** Where TypeScript's own parser reads `statement` as a statement of its own at the end of `text`. */
  function isolated(text: string, statement: string): boolean {
    const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true);
    const last = source.statements[source.statements.length - 1];
    return last !== undefined && last.getText(source) === statement;
  }

  test('after token soup, a task and an exception class that TypeScript reads on their own are found, in the index too', () => {
    const TASK = "export const after = task((a: string) => a, { max_retries: 4 });";
    const CLASS = 'export class LastError extends Error {}';
    let checked = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), fc.array(fc.constantFrom(...TOKENS), { maxLength: 20 }), (a, b) => {
        const taskText = `${a.join(' ')}\n;\n${TASK}\n`;
        const classText = `${b.join(' ')}\n;\n${CLASS}\n`;
        const facts = analyze(taskText);
        for (const t of facts.tasks) assert.ok(t.callRange.start >= 0 && t.callRange.end <= taskText.length, 'call ranges inside the text');
        const index = new TypeScriptIndex(OPTIONS);
        index.update('src/e.ts', classText);
        index.update('src/t.ts', taskText);
        if (isolated(taskText, TASK)) {
          checked++;
          const after = facts.tasks.find((t) => t.func === 'after');
          assert.ok(after, `task 'after' in ${JSON.stringify(taskText)}`);
          assert.deepEqual(plainOptions(after), { max_retries: 4 });
          assert.ok(index.tasksById('src.t.after').length > 0, `src.t.after in the index for ${JSON.stringify(taskText)}`);
        }
        // A soup that declares or imports a name `Error` shadows the built-in (a test above): no claim then.
        if (isolated(classText, CLASS) && !b.includes('Error')) {
          assert.ok(index.exceptionClasses().some((c) => c.module === 'src.e' && c.name === 'LastError' && c.extendsError), `LastError in ${JSON.stringify(classText)}`);
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(checked > 100, `TypeScript isolated the task in ${checked} of 300 soups`);
  });
});

describe('the pre-check', () => {
  test('files without a task call or a class extending something are not parsed', () => {
    assert.equal(analysisDepth('export interface User { id: string }\nexport function load(tasks: Task[]) { return runTask(tasks); }', ['task']), 'skip');
    assert.equal(analysisDepth('export class Cache { get() {} }', ['task']), 'classScan');
    assert.equal(analysisDepth('export class NetworkError\n  extends Error {}', ['task']), 'parse');
    assert.equal(analysisDepth('export const t = task (() => 1);', ['task']), 'parse');
    assert.equal(analysisDepth('export const t = app.job(() => 1);', ['task']), 'skip');
    assert.equal(analysisDepth('export const t = app.job(() => 1);', ['task', 'job']), 'parse');
    assert.equal(analysisDepth("export * from './network';", ['task']), 'parse');
  });

  test('a skipped file has empty facts; a scanned one still lists its classes', () => {
    assert.deepEqual(analyze('export function f(task: string) { return task; }'), { file: 'src/tasks/jobs.ts', tasks: [], classes: [], imports: new Map() });
    const text = '// class Commented {}\nexport abstract class Repository<T> {\n}\nexport default class Store {}\n  class Inner { x = `class Fake` }';
    const { classes } = analyze(text, 'src/lib/repo.ts');
    assert.deepEqual(classes.map((c) => [c.name, c.extendsName, written(text, c.nameRange)]), [
      ['Repository', undefined, 'Repository'],
      ['Store', undefined, 'Store'],
      ['Inner', undefined, 'Inner'],
    ]);
  });

  test('the index reports how files were read', () => {
    const index = new TypeScriptIndex(OPTIONS);
    index.update('src/a.ts', 'export const x = 1;');
    index.update('src/b.ts', 'export class B {}');
    index.update('src/c.ts', 'export class C extends Error {}');
    index.update('src/d.ts', 'export const d = task(() => 1);');
    assert.deepEqual(index.stats(), { files: 4, parsed: 2, classScanned: 1, skipped: 1 });
  });
});

/** The fixture workspace `test/fixtures/ts-workspace`, loaded into an index. */
function loadFixture(): TypeScriptIndex {
  const root = path.join(FIXTURES, 'ts-workspace');
  const index = new TypeScriptIndex(OPTIONS);
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else index.update(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return index;
}

describe('the workspace index', () => {
  test('retry_for identifiers resolve through imports, barrels and .js specifiers', () => {
    const index = loadFixture();
    const [sendEmail] = index.tasksById('src.tasks.email.sendEmail');
    assert.deepEqual(nodeToPlain(option(sendEmail, 'retry_for') ?? { type: 'null' }), [
      'src.errors.network.NetworkError',
      'src.errors.network.TimeoutError',
      'src.errors.base.AppError',
      'builtins.TypeError',
    ]);
    assert.deepEqual(sendEmail.exceptionRefs.map((r) => r.qualifiedName), ['src.errors.network.NetworkError', 'src.errors.network.TimeoutError', 'src.errors.base.AppError', 'builtins.TypeError']);
    assert.equal(nodeToPlain(option(sendEmail, 'running_concurrency') ?? { type: 'null' }), 'keys');
    assert.deepEqual(sendEmail.parameters, ['to', 'subject']);
    assert.deepEqual(taskIds(index), ['src.tasks.email.sendEmail', 'src.tasks.email.warm']);
    assert.deepEqual(index.facts('src/tasks/email.ts')?.imports.get('BaseAppError'), 'src.errors.base.AppError');
  });

  test('a class two steps from Error, across files, is an exception; a plain class is not', () => {
    const index = loadFixture();
    const byName = new Map(index.exceptionClasses().map((c) => [`${c.module}.${c.name}`, c]));
    assert.deepEqual(byName.get('src.errors.network.TimeoutError'), {
      module: 'src.errors.network',
      name: 'TimeoutError',
      extendsError: true,
      file: 'src/errors/network.ts',
      line: 6,
      bases: ['src.errors.network.NetworkError', 'src.errors.base.AppError', 'builtins.Error'],
    });
    assert.equal(byName.get('src.errors.network.NetworkError')?.extendsError, true);
    assert.equal(byName.get('src.lib.cache.Cache')?.extendsError, false);
    assert.equal(index.classByQualifiedName('src.errors.base.AppError')?.file, 'src/errors/base.ts');
    const [warm] = index.tasksById('src.tasks.email.warm');
    assert.deepEqual(warm.exceptionRefs.map((r) => r.qualifiedName), ['src.lib.cache.Cache']);
  });

  test('an extends cycle ends without reaching Error', () => {
    const index = new TypeScriptIndex(OPTIONS);
    index.update('a.ts', "import { B } from './b';\nexport class A extends B {}");
    index.update('b.ts', "import { A } from './a';\nexport class B extends A {}");
    assert.deepEqual(index.exceptionClasses().map((c) => [c.name, c.extendsError, c.bases]), [
      ['A', false, ['b.B']],
      ['B', false, ['a.A']],
    ]);
  });

  test('a file resolves to its index.ts, or to .ts before guessing', () => {
    const index = new TypeScriptIndex(OPTIONS);
    index.update('src/t.ts', "import { E } from './errs';\nexport const t = task(() => 1, { retry_for: [E] });");
    assert.deepEqual(index.tasks()[0].exceptionRefs.map((r) => r.qualifiedName), ['src.errs.E'], 'unknown file: assume errs.ts');
    index.update('src/errs/index.ts', 'export class E extends Error {}');
    assert.deepEqual(index.tasks()[0].exceptionRefs.map((r) => r.qualifiedName), ['src.errs.index.E']);
    assert.equal(index.exceptionClasses()[0].extendsError, true);
  });

  test("'.' and '..' name a folder's index; a path above the workspace resolves to nothing", () => {
    const index = new TypeScriptIndex(OPTIONS);
    index.update('src/errors/index.ts', 'export class Base extends Error {}');
    index.update('src/errors/net.ts', "import { Base } from '.';\nexport class Net extends Base {}");
    index.update('src/errors/deep/io.ts', "import { Base } from '..';\nimport { Far } from '../../../../outside';\nexport class Io extends Base {}\nexport class Odd extends Far {}");
    assert.deepEqual(
      index.exceptionClasses().map((c) => [c.name, c.extendsError, c.bases]),
      [
        ['Base', true, ['builtins.Error']],
        ['Net', true, ['src.errors.index.Base', 'builtins.Error']],
        ['Io', true, ['src.errors.index.Base', 'builtins.Error']],
        ['Odd', false, ['Far']],
      ],
    );
  });

  test('update, remove and rename change the results', () => {
    const index = new TypeScriptIndex(OPTIONS);
    const v0 = index.version;
    index.update('src/base.ts', 'export class Base {}');
    index.update('src/net.ts', "import { Base } from './base';\nexport class Net extends Base {}");
    index.update('src/jobs.ts', "import { Net } from './net';\nexport const a = task(() => 1, { retry_for: [Net] });");
    assert.ok(index.version > v0);
    assert.deepEqual(taskIds(index), ['src.jobs.a']);
    assert.equal(index.exceptionClasses().find((c) => c.name === 'Net')?.extendsError, false);

    // Editing the base makes the class two files away an exception.
    let version = index.version;
    index.update('src/base.ts', 'export class Base extends Error {}');
    assert.ok(index.version > version);
    assert.equal(index.exceptionClasses().find((c) => c.name === 'Net')?.extendsError, true);

    // The same text again is no change.
    version = index.version;
    index.update('src/base.ts', 'export class Base extends Error {}');
    assert.equal(index.version, version);

    // Typing in the task file.
    index.update('src/jobs.ts', "import { Net } from './net';\nexport const b = task(() => 1, { retry_for: [Net], max_retries: 5 });");
    assert.deepEqual(taskIds(index), ['src.jobs.b']);
    assert.deepEqual(index.tasksById('src.jobs.a'), []);
    assert.deepEqual(plainOptions(index.tasksById('src.jobs.b')[0]), { retry_for: ['src.net.Net'], max_retries: 5 });

    // Renaming the errors file: the import now names a file that is gone.
    index.rename('src/net.ts', 'src/network.ts', "import { Base } from './base';\nexport class Net extends Base {}");
    assert.deepEqual(index.files().sort(), ['src/base.ts', 'src/jobs.ts', 'src/network.ts']);
    assert.equal(index.classByQualifiedName('src.net.Net'), undefined);
    assert.equal(index.classByQualifiedName('src.network.Net')?.extendsName, 'src.base.Base');

    version = index.version;
    index.remove('src/jobs.ts');
    assert.ok(index.version > version);
    assert.deepEqual(index.tasks(), []);
    assert.equal(index.facts('src/jobs.ts'), undefined);
  });

  test('an edit behind a barrel reaches the task that imports through it', () => {
    const index = new TypeScriptIndex(OPTIONS);
    index.update('src/errors/index.ts', "export * from './network';");
    index.update('src/errors/network.ts', 'export class NetworkError extends Error {}');
    index.update('src/jobs.ts', "import { NetworkError } from './errors';\nexport const a = task(() => 1, { retry_for: [NetworkError] });");
    assert.deepEqual(index.tasks()[0].exceptionRefs.map((r) => r.qualifiedName), ['src.errors.network.NetworkError']);

    // The class is renamed: the barrel no longer has it, so the name is qualified by the barrel's module.
    index.update('src/errors/network.ts', 'export class ConnectionError extends Error {}');
    assert.deepEqual(index.tasks()[0].exceptionRefs.map((r) => r.qualifiedName), ['src.errors.index.NetworkError']);

    index.update('src/errors/network.ts', 'export class NetworkError extends Error {}');
    assert.deepEqual(index.tasks()[0].exceptionRefs.map((r) => r.qualifiedName), ['src.errors.network.NetworkError']);
  });

  test('lines move with an edit above a class', () => {
    const index = new TypeScriptIndex(OPTIONS);
    index.update('src/errors.ts', 'export class E extends Error {}');
    assert.equal(index.exceptionClasses()[0].line, 1);
    index.update('src/errors.ts', '// The errors of the app.\n\nexport class E extends Error {}');
    assert.equal(index.exceptionClasses()[0].line, 3);
    assert.deepEqual(index.classByQualifiedName('src.errors.E')?.nameRange, { start: 40, end: 41 });
  });

  test('tasks sharing an id are all listed', () => {
    const index = new TypeScriptIndex(OPTIONS);
    index.update('src/a.ts', 'export const run = task(() => 1);\nexport const other = task(function run() {});');
    assert.equal(index.tasksById('src.a.run').length, 2);
  });

  test('new options re-read every file', () => {
    const index = new TypeScriptIndex(OPTIONS);
    index.update('src/jobs.ts', 'export const a = task(() => 1);\nexport const b = job(() => 2);');
    index.update('tools/x.ts', 'export const c = task(() => 3);');
    assert.deepEqual(taskIds(index), ['src.jobs.a', 'tools.x.c']);
    const version = index.version;
    index.setOptions({ ...OPTIONS, moduleRoot: 'src', taskFunctionNames: ['job'] });
    assert.ok(index.version > version);
    assert.deepEqual(taskIds(index), ['jobs.b']);
  });
});
