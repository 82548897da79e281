// The Python index (SPEC §10): which pynenc decorators and calls are tasks, what
// their options read as, how names resolve across files and imports, module
// names from Python roots, and incremental re-parsing.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import {
  PYTHON_BUILTIN_EXCEPTIONS,
  PYTHON_RETRY_ERROR,
  pythonAnalysisDepth,
  PythonIndex,
  pythonModuleFor,
  pythonRootsFor,
} from '../../server/src/analysis/python';
import { TaskDefinition } from '../../server/src/analysis/typescriptFacts';
import { ConfigNode, mapGet, nodeToPlain } from '../../server/src/resolver';
import { FIXTURES, REPO_ROOT } from '../paths';

/** An index whose internal errors fail the test. */
function newIndex(roots: readonly string[] = ['']): PythonIndex {
  return new PythonIndex({
    roots,
    onInternalError: (error, file) => {
      throw new Error(`internal error in ${file}: ${String(error)}`);
    },
  });
}

function indexOf(files: Record<string, string>, roots?: readonly string[]): PythonIndex {
  const index = newIndex(roots ?? pythonRootsFor(Object.keys(files)));
  for (const [file, text] of Object.entries(files)) if (file.endsWith('.py')) index.update(file, text);
  return index;
}

const APP = 'from pynenc import Pynenc\napp = Pynenc()\n';

/** The tasks of one file `jobs.py` (module `jobs`). */
function tasksOf(text: string, file = 'jobs.py'): TaskDefinition[] {
  return indexOf({ [file]: text }, ['']).tasks();
}

function onlyTask(text: string, file?: string): TaskDefinition {
  const tasks = tasksOf(text, file);
  assert.equal(tasks.length, 1, `expected one task, got ${tasks.map((t) => t.func).join(', ')}`);
  return tasks[0];
}

function plainOptions(task: TaskDefinition): unknown {
  return task.options === undefined ? undefined : nodeToPlain(task.options);
}

function option(task: TaskDefinition, key: string): ConfigNode | undefined {
  return task.options === undefined ? undefined : mapGet(task.options, key)?.value;
}

function written(text: string, range: { start?: number; end?: number } | undefined): string {
  return range === undefined ? '' : text.slice(range.start, range.end);
}

function ids(index: PythonIndex): string[] {
  return index.tasks().map((t) => `${t.module}.${t.func}`).sort();
}

/** Every file of a fixture folder, workspace-relative. */
function readWorkspace(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else files[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  walk('');
  return files;
}

function indexWorkspace(dir: string): PythonIndex {
  const files = readWorkspace(dir);
  const index = newIndex(pythonRootsFor(Object.keys(files)));
  for (const [file, text] of Object.entries(files)) {
    // What the workspace does: only `.py` files outside the ignored folders.
    if (file.endsWith('.py') && !/(^|\/)(\.venv|venv|site-packages|__pycache__)\//.test(file)) index.update(file, text);
  }
  return index;
}

describe('recognised decorators and calls', () => {
  test('@app.task, @app.task(), @app.task(...), @app.direct_task[(...)], @app.workflow[(...)] on def and async def', () => {
    const text = `${APP}
@app.task
def a(x): ...

@app.task()
def b(): ...

@app.task(max_retries=3)
async def c(order_id, amount=1): ...

@app.direct_task
def d(): ...

@app.direct_task(call_result_cache=True)
def e(): ...

@app.workflow
def f(): ...

@app.workflow(force_new_workflow=True)
def g(): ...
`;
    const tasks = tasksOf(text);
    assert.deepEqual(
      tasks.map((t) => [t.func, t.pythonDecorator, written(text, t.callRange), written(text, t.optionsRange), plainOptions(t)]),
      [
        ['a', 'task', '@app.task', '', undefined],
        ['b', 'task', '@app.task()', '()', {}],
        ['c', 'task', '@app.task(max_retries=3)', '(max_retries=3)', { max_retries: 3 }],
        ['d', 'direct_task', '@app.direct_task', '', undefined],
        ['e', 'direct_task', '@app.direct_task(call_result_cache=True)', '(call_result_cache=True)', { call_result_cache: true }],
        ['f', 'workflow', '@app.workflow', '', undefined],
        ['g', 'workflow', '@app.workflow(force_new_workflow=True)', '(force_new_workflow=True)', { force_new_workflow: true }],
      ],
    );
    const c = tasks[2];
    assert.equal(c.module, 'jobs');
    assert.equal(c.language, 'python');
    assert.equal(c.moduleRoot, '');
    assert.equal(written(text, c.nameRange), 'c');
    assert.deepEqual(c.parameters, ['order_id', 'amount']);
    assert.equal(c.refusal, undefined);
    assert.equal(tasks[0].optionsRange, undefined);
  });

  test('parameters: positional-only, *args, keyword-only and **kwargs names, without annotations or defaults', () => {
    const task = onlyTask(`${APP}@app.task\ndef f(a: int, b: str = "x", /, c=(1, 2), *args: int, d, e: list[int] = [], **kwargs) -> None: ...\n`);
    assert.deepEqual(task.parameters, ['a', 'b', 'c', 'args', 'd', 'e', 'kwargs']);
  });

  test('x = app.task(f, ...) is task <module>.f, named at the def, with its parameters', () => {
    const text = `${APP}
def archive(order_id, reason):
    ...

archive_task = app.task(archive, max_retries=2)
app.direct_task(archive2, call_result_cache=True)

def archive2(): ...
`;
    const tasks = tasksOf(text);
    assert.deepEqual(tasks.map((t) => [t.func, t.pythonDecorator, plainOptions(t)]), [
      ['archive', 'task', { max_retries: 2 }],
      ['archive2', 'direct_task', { call_result_cache: true }],
    ]);
    assert.equal(written(text, tasks[0].callRange), 'app.task(archive, max_retries=2)');
    assert.ok(tasks[0].nameRange.start < text.indexOf('archive_task'), 'the name range is the def');
    assert.equal(written(text, tasks[0].nameRange), 'archive');
    assert.deepEqual(tasks[0].parameters, ['order_id', 'reason']);
    assert.equal(written(text, tasks[0].optionsRange), '(archive, max_retries=2)');
  });

  test('app.task(options) alone makes a decorator, not a task; an imported function keeps its own name', () => {
    assert.deepEqual(tasksOf(`${APP}retrying = app.task(max_retries=2)\n`), []);
    const task = onlyTask(`${APP}from shop.handlers import handle as h\nregistered = app.task(h)\n`);
    assert.equal(task.func, 'handle');
    assert.equal(task.parameters, undefined);
  });

  test('PynencBuilder()...build() over several parenthesised lines binds an app', () => {
    const text = 'from pynenc.builder import PynencBuilder as PB\napp = (\n    PB()\n    .redis(url="redis://")\n    .build()\n)\n@app.task\ndef a(): ...\n';
    // The file imports pynenc, so any receiver counts; across files only the builder makes `app` an app:
    const index = indexOf({ 'core.py': text.replace('from pynenc.builder import PynencBuilder as PB', 'from pynenc import PynencBuilder as PB'), 'jobs.py': 'from core import app\n@app.task\ndef b(): ...\n' });
    assert.deepEqual(ids(index), ['core.a', 'jobs.b']);
  });

  test('an app imported from another file (`from app import app`) is a pynenc app; so is one re-exported by a package', () => {
    const index = indexOf({
      'app.py': APP,
      'shop/__init__.py': 'from .core import app as shop_app\n',
      'shop/core.py': 'import pynenc\napp = pynenc.Pynenc()\n',
      'orders.py': 'from app import app\n\n@app.task(max_retries=1)\ndef place(): ...\n',
      'emails.py': 'from shop import shop_app\nimport shop.core\n\n@shop_app.task\ndef send(): ...\n\n@shop.core.app.task\ndef send2(): ...\n',
    });
    assert.deepEqual(ids(index), ['emails.send', 'emails.send2', 'orders.place']);
  });

  test('Celery and Huey files produce no task, not even through `from app import app`', () => {
    const index = indexOf({
      'celery_app.py': 'from celery import Celery\napp = Celery("x")\n',
      'celery_tasks.py': 'from celery_app import app\n\n@app.task(bind=True, max_retries=3)\ndef old(self): ...\n\nlegacy = app.task(old)\n',
      'inline_celery.py': 'from celery import Celery\napp = Celery()\n@app.task(bind=True)\ndef c(self): ...\n',
      'huey_tasks.py': 'from huey import RedisHuey\nhuey = RedisHuey()\n@huey.task(retries=2)\ndef h(): ...\n@huey.periodic_task(crontab())\ndef p(): ...\n',
    });
    assert.deepEqual(index.tasks(), []);
    assert.deepEqual(index.facts('celery_tasks.py')?.tasks, []);
  });

  test('in a file that imports from pynenc, any receiver is taken for an app', () => {
    const task = onlyTask('from pynenc import ConcurrencyControlType\nfrom somewhere import make_app\nworker = make_app()\n@worker.task\ndef t(): ...\n');
    assert.equal(task.func, 't');
  });

  test('decorators inside `if` / `try` at module level are still module level', () => {
    const text = `${APP}if True:\n    @app.task\n    def a(): ...\ntry:\n    @app.task\n    def b(): ...\nexcept ImportError:\n    pass\n`;
    assert.deepEqual(tasksOf(text).map((t) => [t.func, t.refusal]), [['a', undefined], ['b', undefined]]);
  });
});

describe('refused tasks (TL023, TL024)', () => {
  test('a method and a nested def are tasks pynenc refuses: TL023', () => {
    const text = `${APP}class Mailer:\n    @app.task\n    def send(self, to): ...\n\ndef factory():\n    @app.task(max_retries=1)\n    def inner(x): ...\n    return inner\n\n@app.task\ndef fine(): ...\n\nbound = app.task(Mailer.send)\n`;
    const tasks = tasksOf(text);
    assert.deepEqual(tasks.map((t) => [t.func, t.refusal?.code]), [['send', 'TL023'], ['inner', 'TL023'], ['fine', undefined], ['send', 'TL023']]);
    assert.match(tasks[0].refusal!.message, /class Mailer/);
    assert.match(tasks[1].refusal!.message, /function factory/);
    assert.deepEqual(tasks[0].parameters, ['self', 'to']);
    assert.deepEqual(plainOptions(tasks[1]), { max_retries: 1 });
  });

  test('a module named or containing __main__ is refused: TL024', () => {
    const index = indexOf({ 'pkg/__main__.py': `${APP}@app.task\ndef run(): ...\n`, '__main__.py': `${APP}@app.task\ndef top(): ...\n`, 'pkg/jobs.py': `${APP}@app.task\ndef ok(): ...\n` });
    assert.deepEqual(index.tasks().map((t) => [`${t.module}.${t.func}`, t.refusal?.code]), [['pkg.__main__.run', 'TL024'], ['__main__.top', 'TL024'], ['pkg.jobs.ok', undefined]]);
  });
});

describe('options', () => {
  test('literals: int, float, str, bool, None, tuples, lists, sets, dicts, negative and underscored numbers', () => {
    const text = `${APP}@app.task(
    max_retries=-3,
    parallel_batch_size=1_000,
    other_int=0x10,
    ratio=2.5,
    exp=1e3,
    name='single',
    raw=r"a\\d",
    escaped="tab\\there",
    joined="a" "b",
    call_result_cache=True,
    force_new_workflow=False,
    running_concurrency=None,
    key_arguments=("a", "b"),
    disable_cache_args=["*"],
    a_set={"x"},
    a_dict={"k": 1},
)
def f(): ...
`;
    const task = onlyTask(text);
    assert.deepEqual(plainOptions(task), {
      max_retries: -3,
      parallel_batch_size: 1000,
      other_int: 16,
      ratio: 2.5,
      exp: 1000,
      name: 'single',
      raw: 'a\\d',
      escaped: 'tab\there',
      joined: 'ab',
      call_result_cache: true,
      force_new_workflow: false,
      running_concurrency: null,
      key_arguments: ['a', 'b'],
      disable_cache_args: ['*'],
      a_set: ['x'],
      a_dict: { k: 1 },
    });
    assert.equal(option(task, 'ratio')?.type, 'float');
    assert.equal(option(task, 'exp')?.type, 'float');
    assert.equal(option(task, 'other_int')?.type, 'int');
    assert.equal(option(task, 'running_concurrency')?.type, 'null');
  });

  test('keys and values are located: keyLoc and loc with 1-based lines and offsets', () => {
    const text = `${APP}@app.task(\n    max_retries=3,\n    key_arguments=("a",),\n)\ndef f(a): ...\n`;
    const task = onlyTask(text);
    const entry = mapGet(task.options!, 'max_retries')!;
    assert.equal(entry.keyLoc?.line, 4);
    assert.equal(written(text, entry.keyLoc), 'max_retries');
    assert.equal(entry.value.loc?.line, 4);
    assert.equal(written(text, entry.value.loc), '3');
    const list = option(task, 'key_arguments')!;
    assert.equal(written(text, list.loc), '("a",)');
    assert.equal(list.type === 'list' ? written(text, list.items[0].loc) : '', '"a"');
  });

  test('ConcurrencyControlType.X under any import or alias becomes its lowercase value', () => {
    const cases = [
      'from pynenc import ConcurrencyControlType\nV = ConcurrencyControlType.KEYS',
      'from pynenc import ConcurrencyControlType as CCT\nV = CCT.KEYS',
      'from pynenc.conf.config_task import ConcurrencyControlType as C\nV = C.KEYS',
      'import pynenc\nV = pynenc.ConcurrencyControlType.KEYS',
      'import pynenc as pn\nV = pn.ConcurrencyControlType.KEYS',
      'import pynenc.conf.config_task as ct\nV = ct.ConcurrencyControlType.KEYS',
    ];
    for (const source of cases) {
      const [imports, assignment] = source.split('\nV = ');
      const task = onlyTask(`${imports}\napp = Pynenc()\n@app.task(running_concurrency=${assignment}, registration_concurrency=${assignment.replace('KEYS', 'TASK')})\ndef f(): ...\n`);
      assert.deepEqual(plainOptions(task), { running_concurrency: 'keys', registration_concurrency: 'task' }, source);
    }
  });

  test('an enum of another library, an unknown member and other expressions are computed', () => {
    const text = `${APP}from mylib import ConcurrencyControlType as Other\nfrom pynenc import ConcurrencyControlType as CCT\n@app.task(running_concurrency=Other.KEYS, registration_concurrency=CCT.KEY, max_retries=compute(), parallel_batch_size=LIMIT, key_arguments=f"{x}", disable_cache_args=(*base, "y"))\ndef f(): ...\n`;
    const task = onlyTask(text);
    assert.deepEqual(
      task.options!.entries.map((e) => [e.key, e.value.type, e.value.type === 'computed' ? e.value.text : undefined]),
      [
        ['running_concurrency', 'computed', 'Other.KEYS'],
        ['registration_concurrency', 'computed', 'CCT.KEY'],
        ['max_retries', 'computed', 'compute()'],
        ['parallel_batch_size', 'computed', 'LIMIT'],
        ['key_arguments', 'computed', 'f"{x}"'],
        ['disable_cache_args', 'computed', '(*base, "y")'],
      ],
    );
  });

  test('**opts makes the key set unknown; triggers, parallel_func and aggregate_func are kept out of the options', () => {
    const text = `${APP}@app.direct_task(max_retries=1, parallel_func=split, aggregate_func=join, **base)\ndef f(): ...\n@app.task(triggers=on_cron("* * * * *"), maxRetries=2)\ndef g(): ...\n`;
    const [f, g] = tasksOf(text);
    assert.equal(f.optionsHaveSpread, true);
    assert.deepEqual(plainOptions(f), { max_retries: 1 });
    assert.deepEqual(f.nonFieldKeywords?.map((k) => [k.key, written(text, k.keyRange), written(text, k.valueRange)]), [
      ['parallel_func', 'parallel_func', 'split'],
      ['aggregate_func', 'aggregate_func', 'join'],
    ]);
    assert.equal(g.optionsHaveSpread, false);
    // An unknown keyword stays, for TL002.
    assert.deepEqual(plainOptions(g), { maxRetries: 2 });
    assert.deepEqual(g.nonFieldKeywords?.map((k) => k.key), ['triggers']);
  });

  test('key_arguments=("user_id") is a plain string, with the one-item tuple as its fix', () => {
    const text = `${APP}@app.task(key_arguments=("user_id"), disable_cache_args=("a",))\ndef f(user_id, a): ...\n`;
    const task = onlyTask(text);
    assert.deepEqual(option(task, 'key_arguments'), { type: 'string', value: 'user_id', loc: option(task, 'key_arguments')!.loc });
    assert.deepEqual(task.missingTupleCommas?.map((m) => [m.key, written(text, m.range), m.fixText]), [['key_arguments', '("user_id")', '("user_id",)']]);
  });

  test('retry_for=ValueError: one class instead of a tuple (TL025), with its fix; the value is computed', () => {
    const text = `${APP}@app.task(retry_for=ValueError)\ndef a(): ...\n@app.task(retry_for=(KeyError))\ndef b(): ...\nRETRYABLE = (KeyError, OSError)\n@app.task(retry_for=RETRYABLE)\ndef c(): ...\n`;
    const [a, b, c] = tasksOf(text);
    assert.deepEqual(a.singleExceptionRetryFor, { range: { start: text.indexOf('ValueError'), end: text.indexOf('ValueError') + 10 }, text: 'ValueError', fixText: '(ValueError,)' });
    assert.equal(option(a, 'retry_for')?.type, 'computed');
    assert.deepEqual(a.exceptionRefs.map((r) => [r.identifier, r.qualifiedName]), [['ValueError', 'builtins.ValueError']]);
    assert.equal(written(text, b.singleExceptionRetryFor?.range), '(KeyError)');
    assert.equal(b.singleExceptionRetryFor?.fixText, '(KeyError,)');
    // A name for a tuple is not a class: no TL025, no exception reference.
    assert.equal(c.singleExceptionRetryFor, undefined);
    assert.deepEqual(c.exceptionRefs, []);
  });

  test('a half-typed decorator keeps the other tasks of the file', () => {
    const text = `${APP}@app.task\ndef first(): ...\n\n@app.task(max_retries=\ndef typing(): ...\n\n@app.task(max_retries=2)\ndef last(): ...\n`;
    const funcs = tasksOf(text).map((t) => t.func);
    assert.ok(funcs.includes('first') && funcs.includes('last'), funcs.join(', '));
  });

  test('typing a decorator character by character: every other task survives every keystroke', () => {
    const before = `${APP}@app.task(max_retries=1)\ndef first(a): ...\n\n`;
    const after = `\n\n@app.task(call_result_cache=True)\ndef last(b): ...\n`;
    const typed = '@app.task(max_retries=3, retry_for=(ValueError,), key_arguments=("a",))\ndef middle(a): ...';
    const index = newIndex();
    for (let i = 0; i <= typed.length; i++) {
      index.update('jobs.py', before + typed.slice(0, i) + after);
      const funcs = index.tasks().map((t) => t.func);
      assert.ok(funcs.includes('first') && funcs.includes('last'), `after ${JSON.stringify(typed.slice(0, i))}: ${funcs.join(', ')}`);
    }
    assert.deepEqual(index.tasks().map((t) => t.func), ['first', 'middle', 'last']);
  });
});

describe('exceptions', () => {
  test('built-ins are builtins.<Name>; IOError and EnvironmentError are builtins.OSError; a module-level name shadows a built-in', () => {
    const task = onlyTask(`${APP}@app.task(retry_for=(ValueError, IOError, EnvironmentError, KeyboardInterrupt))\ndef f(): ...\n`);
    assert.deepEqual(plainOptions(task), { retry_for: ['builtins.ValueError', 'builtins.OSError', 'builtins.OSError', 'builtins.KeyboardInterrupt'] });
    const shadowed = onlyTask(`${APP}class ValueError(Exception): ...\n@app.task(retry_for=(ValueError,))\ndef f(): ...\n`);
    assert.deepEqual(plainOptions(shadowed), { retry_for: ['jobs.ValueError'] });
  });

  test('workspace exceptions through `from x import y`, `import x`, `import x.y as z` and relative imports', () => {
    const index = indexOf({
      'app.py': APP,
      'shop/__init__.py': '',
      'shop/errors.py': 'class ShopError(Exception):\n    pass\n\nclass PaymentError(ShopError):\n    pass\n',
      'shop/tasks/__init__.py': '',
      'shop/tasks/orders.py': [
        'import shop.errors',
        'import shop.errors as se',
        'from app import app',
        'from shop.errors import PaymentError as PE',
        'from .. import errors',
        'from ..errors import ShopError',
        '',
        '@app.task(retry_for=(PE, shop.errors.ShopError, se.PaymentError, errors.PaymentError, ShopError, errors.Missing))',
        'def place(): ...',
        '',
      ].join('\n'),
    });
    const [task] = index.tasks();
    assert.deepEqual(plainOptions(task), {
      retry_for: ['shop.errors.PaymentError', 'shop.errors.ShopError', 'shop.errors.PaymentError', 'shop.errors.PaymentError', 'shop.errors.ShopError', 'shop.errors.Missing'],
    });
    assert.deepEqual(task.exceptionRefs.map((r) => r.identifier), ['PE', 'shop.errors.ShopError', 'se.PaymentError', 'errors.PaymentError', 'ShopError', 'errors.Missing']);
    assert.deepEqual(
      index.exceptionClasses().map((c) => [c.module, c.name, c.extendsError, c.bases]),
      [
        ['shop.errors', 'ShopError', true, ['builtins.Exception', 'builtins.BaseException']],
        ['shop.errors', 'PaymentError', true, ['shop.errors.ShopError', 'builtins.Exception', 'builtins.BaseException']],
      ],
    );
    assert.equal(index.classByQualifiedName('shop.errors.PaymentError')?.extendsName, 'shop.errors.ShopError');
    assert.equal(index.facts('shop/tasks/orders.py')?.imports.get('PE'), 'shop.errors.PaymentError');
    assert.equal(index.facts('shop/tasks/orders.py')?.imports.get('se'), 'shop.errors');
  });

  test('BaseException, KeyboardInterrupt, SystemExit, GeneratorExit and their subclasses are not exceptions pynenc accepts', () => {
    const index = indexOf({ 'errors.py': 'class Stop(KeyboardInterrupt): ...\nclass Quit(SystemExit): ...\nclass Raw(BaseException): ...\nclass Gen(GeneratorExit): ...\nclass Plain: ...\nclass Mixed(Plain, LookupError): ...\n' });
    assert.deepEqual(index.exceptionClasses().map((c) => [c.name, c.extendsError]), [
      ['Stop', false],
      ['Quit', false],
      ['Raw', false],
      ['Gen', false],
      ['Plain', false],
      ['Mixed', true],
    ]);
    assert.deepEqual(index.exceptionClasses()[5].bases, ['builtins.LookupError', 'builtins.Exception', 'builtins.BaseException']);
  });

  test('a name from a module outside the workspace keeps its qualified name and is not in the workspace classes', () => {
    const index = indexOf({
      'errors.py': 'import requests\nfrom stripe.error import CardError\n\nclass VendorError(requests.RequestException): ...\n',
      'jobs.py': `${APP}from errors import VendorError\nfrom stripe.error import CardError\nimport httpx\n@app.task(retry_for=(CardError, httpx.HTTPError, VendorError))\ndef f(): ...\n`,
    });
    assert.deepEqual(plainOptions(index.tasks()[0]), { retry_for: ['stripe.error.CardError', 'httpx.HTTPError', 'errors.VendorError'] });
    // An unknown base gets the benefit of the doubt: no false TL007.
    assert.deepEqual(index.exceptionClasses().map((c) => [c.name, c.extendsError, c.bases]), [['VendorError', true, ['requests.RequestException']]]);
    assert.equal(index.classByQualifiedName('stripe.error.CardError'), undefined);
  });

  test('pynenc.exceptions.RetryError and the built-in hierarchy', () => {
    assert.equal(PYTHON_RETRY_ERROR, 'pynenc.exceptions.RetryError');
    const byName = new Map(PYTHON_BUILTIN_EXCEPTIONS.map((c) => [`${c.module}.${c.name}`, c]));
    assert.equal(byName.get(PYTHON_RETRY_ERROR)?.extendsError, true);
    for (const name of ['Exception', 'ValueError', 'OSError', 'ConnectionResetError', 'UnicodeDecodeError', 'StopIteration', 'UserWarning', 'ExceptionGroup']) {
      assert.equal(byName.get(`builtins.${name}`)?.extendsError, true, name);
    }
    for (const name of ['BaseException', 'KeyboardInterrupt', 'SystemExit', 'GeneratorExit', 'BaseExceptionGroup']) {
      assert.equal(byName.get(`builtins.${name}`)?.extendsError, false, name);
    }
    assert.deepEqual(byName.get('builtins.ConnectionResetError')?.bases, ['builtins.ConnectionError', 'builtins.OSError', 'builtins.Exception', 'builtins.BaseException']);
    assert.equal(byName.get('builtins.IOError'), undefined, 'IOError is OSError, not a class of its own');
    const index = indexOf({ 'jobs.py': `${APP}from pynenc.exceptions import RetryError\n@app.task(retry_for=(RetryError,))\ndef f(): ...\n` });
    assert.deepEqual(plainOptions(index.tasks()[0]), { retry_for: [PYTHON_RETRY_ERROR] });
  });

  test('the workspace fixture: packages, re-exports, relative imports, nested projects', () => {
    const index = indexWorkspace(path.join(FIXTURES, 'python-workspace'));
    assert.deepEqual(ids(index), ['acme.__main__.cli_task', 'acme.jobs.sync.sync_accounts', 'billing.invoices.issue_invoice']);
    const [sync] = index.tasksById('acme.jobs.sync.sync_accounts');
    assert.deepEqual(plainOptions(sync), {
      retry_for: ['acme.errors.network.NetworkError', 'acme.errors.network.Timeout', 'acme.errors.network.VendorError', 'acme.errors.base.AcmeError', 'acme.errors.base.Fatal', 'builtins.KeyError'],
    });
    assert.deepEqual(sync.parameters, ['account_id', 'dry_run']);
    assert.equal(sync.moduleRoot, 'src');
    assert.equal(index.tasksById('billing.invoices.issue_invoice')[0].moduleRoot, 'services/billing/src');
    assert.equal(index.tasksById('acme.__main__.cli_task')[0].refusal?.code, 'TL024');
    const classes = new Map(index.exceptionClasses().map((c) => [`${c.module}.${c.name}`, c]));
    assert.equal(classes.get('acme.errors.network.Timeout')?.extendsError, true);
    assert.deepEqual(classes.get('acme.errors.network.Timeout')?.bases, ['acme.errors.network.NetworkError', 'acme.errors.base.AcmeError', 'builtins.Exception', 'builtins.BaseException']);
    assert.equal(classes.get('acme.errors.base.Fatal')?.extendsError, false);
    assert.equal(classes.get('acme.errors.network.VendorError')?.extendsError, true);
    assert.equal(classes.get('acme.errors.base.AcmeError')?.line, 1);
  });
});

describe('module names from Python roots', () => {
  test('default roots: the workspace folder, folders with pyproject.toml / setup.py / setup.cfg, and src/ beside each', () => {
    const files = ['pyproject.toml', 'src/shop/app.py', 'libs/a/setup.py', 'libs/b/setup.cfg', 'libs/b/b.py', '.venv/lib/site-packages/x/pyproject.toml', 'node_modules/y/setup.py'];
    assert.deepEqual(pythonRootsFor(files), ['libs/a/src', 'libs/b/src', 'libs/a', 'libs/b', 'src', '']);
    assert.deepEqual(pythonRootsFor(files, ['./code/', 'other']), ['code', 'other']);
  });

  test('the deepest root wins; pkg/__init__.py is module pkg; a file outside every root has no module', () => {
    const roots = pythonRootsFor(['pyproject.toml', 'services/billing/pyproject.toml']);
    assert.deepEqual(pythonModuleFor('src/shop/tasks/orders.py', roots), { module: 'shop.tasks.orders', root: 'src', isPackage: false });
    assert.deepEqual(pythonModuleFor('src/shop/__init__.py', roots), { module: 'shop', root: 'src', isPackage: true });
    assert.deepEqual(pythonModuleFor('services/billing/src/billing/x.py', roots), { module: 'billing.x', root: 'services/billing/src', isPackage: false });
    assert.deepEqual(pythonModuleFor('tools/run.py', roots), { module: 'tools.run', root: '', isPackage: false });
    assert.equal(pythonModuleFor('tools/run.py', ['src']), undefined);
    assert.equal(pythonModuleFor('src/__init__.py', ['src']), undefined);
  });

  test('src layout: the task id drops src/, and the task says which root gave its module', () => {
    const index = indexOf({ 'pyproject.toml': '', 'src/shop/app.py': APP, 'src/shop/tasks/orders.py': 'from shop.app import app\n@app.task\ndef place(): ...\n' });
    assert.deepEqual(ids(index), ['shop.tasks.orders.place']);
    assert.equal(index.tasks()[0].moduleRoot, 'src');
  });

  test('new roots re-read every file from the kept texts', () => {
    const index = indexOf({ 'src/shop/app.py': APP, 'src/shop/tasks/orders.py': 'from shop.app import app\n@app.task\ndef place(): ...\n' }, ['']);
    // With the workspace folder as the only root, `shop.app` is not `src/shop/app.py`: no app, no task.
    assert.deepEqual(ids(index), []);
    const version = index.version;
    index.setRoots(['src']);
    assert.ok(index.version > version);
    assert.deepEqual(ids(index), ['shop.tasks.orders.place']);
  });
});

describe('the index', () => {
  test('the parser is loaded only when a file needs parsing', () => {
    const script = `
      const { PythonIndex } = require(${JSON.stringify(path.join(REPO_ROOT, 'build/server/src/analysis/python/index.js'))});
      const loaded = () => Object.keys(require.cache).some((f) => f.includes('@lezer'));
      const index = new PythonIndex();
      index.update('a.py', 'import os\\nclass A(Exception):\\n    pass\\n');
      index.update('b.py', 'x = 1\\n');
      index.tasks(); index.exceptionClasses();
      const before = loaded();
      index.update('c.py', 'from pynenc import Pynenc\\napp = Pynenc()\\n@app.task\\ndef f(): ...\\n');
      console.log(JSON.stringify([before, loaded(), index.tasks().length]));`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [false, true, 1]);
  });

  test('the pre-filter: files without a task marker or Pynenc are not parsed; without imports or classes, not even scanned', () => {
    assert.equal(pythonAnalysisDepth('import os\n\ndef f(): ...\n'), 'scan');
    assert.equal(pythonAnalysisDepth('class A(B):\n    pass\n'), 'scan');
    assert.equal(pythonAnalysisDepth('x = 1\n'), 'skip');
    assert.equal(pythonAnalysisDepth('@app.task\ndef f(): ...\n'), 'parse');
    assert.equal(pythonAnalysisDepth('x = app.direct_task(f)\n'), 'parse');
    assert.equal(pythonAnalysisDepth('app = Pynenc()\n'), 'parse');
    assert.equal(pythonAnalysisDepth('self.tasks.append(x)\nself.task_id = 1\n'), 'skip');
    const index = indexOf({ 'a.py': 'import os\n', 'b.py': 'x = 1\n', 'c.py': `${APP}@app.task\ndef f(): ...\n`, 'd.py': 'class E(Exception):\n    pass\n' });
    assert.deepEqual(index.stats(), { files: 4, parsed: 1, scanned: 2, skipped: 1 });
  });

  test('a scanned file and a parsed file read the same imports and classes', () => {
    const body = 'from .base import (\n    Base,\n    Other as O,  # comment\n)\nimport pkg.mod as m, json\n\nclass A(Base):\n    pass\n\nclass B(O, m.Thing, metaclass=Meta):\n    pass\n\nclass C:\n    pass\n';
    const scanned = indexOf({ 'pkg/x.py': body, 'pkg/base.py': 'class Base(Exception): ...\nclass Other(ValueError): ...\n', 'pkg/mod.py': 'class Thing: ...\n' });
    const parsed = indexOf({ 'pkg/x.py': `${body}\nPynenc = None\n`, 'pkg/base.py': 'class Base(Exception): ...\nclass Other(ValueError): ...\n', 'pkg/mod.py': 'class Thing: ...\n' });
    assert.equal(scanned.depthOf('pkg/x.py'), 'scan');
    assert.equal(parsed.depthOf('pkg/x.py'), 'parse');
    const shape = (index: PythonIndex): unknown => index.facts('pkg/x.py')!.classes.map((c) => [c.name, c.extendsName, c.nameRange]);
    assert.deepEqual(shape(scanned), shape(parsed));
    assert.deepEqual(shape(scanned), [
      ['A', 'pkg.base.Base', { start: body.indexOf('A(Base)'), end: body.indexOf('A(Base)') + 1 }],
      ['B', 'pkg.base.Other', { start: body.indexOf('B(O'), end: body.indexOf('B(O') + 1 }],
      ['C', undefined, { start: body.indexOf('C:'), end: body.indexOf('C:') + 1 }],
    ]);
    assert.deepEqual([...scanned.facts('pkg/x.py')!.imports].sort(), [...parsed.facts('pkg/x.py')!.imports].sort());
    // A file of imports only is scanned when it is first needed, with the same result.
    const importsOnly = indexOf({ 'pkg/y.py': 'from .base import Base as B\nimport json\n', 'pkg/base.py': 'class Base(Exception): ...\n' });
    assert.deepEqual([...importsOnly.facts('pkg/y.py')!.imports], [['B', 'pkg.base.Base'], ['json', 'json']]);
  });

  test('incremental re-parse (with and without the edit) gives what a fresh parse gives', () => {
    const base = `${APP}from pynenc import ConcurrencyControlType as CCT\n\n@app.task(max_retries=1)\ndef first(a): ...\n\n@app.task(running_concurrency=CCT.KEYS)\ndef second(b): ...\n`;
    const edits: [string, string][] = [
      ['max_retries=1', 'max_retries=12'],
      ['def first(a)', 'def first(a, c)'],
      ['CCT.KEYS', 'CCT.TASK'],
      ['@app.task(running', '@app.direct_task(retry_for=(KeyError,), running'],
      ['\ndef second', '\n\n\ndef second'],
    ];
    const withEdit = newIndex();
    const withoutEdit = newIndex();
    let text = base;
    withEdit.update('jobs.py', text);
    withoutEdit.update('jobs.py', text);
    for (const [from, to] of edits) {
      const start = text.indexOf(from);
      const next = text.slice(0, start) + to + text.slice(start + from.length);
      withEdit.update('jobs.py', next, { start, oldEnd: start + from.length, newEnd: start + to.length });
      withoutEdit.update('jobs.py', next);
      text = next;
      const fresh = indexOf({ 'jobs.py': text }, ['']);
      assert.deepEqual(withEdit.facts('jobs.py'), fresh.facts('jobs.py'), `after ${from} → ${to}`);
      assert.deepEqual([...withEdit.facts('jobs.py')!.imports], [...fresh.facts('jobs.py')!.imports]);
      assert.deepEqual(withoutEdit.facts('jobs.py'), fresh.facts('jobs.py'), `after ${from} → ${to}`);
    }
    assert.deepEqual(withEdit.tasks().map((t) => [t.func, plainOptions(t)]), [
      ['first', { max_retries: 12 }],
      ['second', { retry_for: ['builtins.KeyError'], running_concurrency: 'task' }],
    ]);
  });

  test('a first read (bodies and imports cut before parsing) gives what a whole parse gives', () => {
    const body = '    """Long enough to be cut: a docstring,\nwith a line at column 0 inside it.\n"""\n    total = 0\n    for item in items:\n        total += item  # ( an unbalanced comment\n    return {"k": [1, 2, 3], \'s\': "a\\"b"}\n';
    const indented = body.replace(/^(?=.)/gm, '    ');
    const text = [
      'from pynenc import Pynenc, ConcurrencyControlType as CCT',
      'import json, os.path as osp',
      'from errs import (',
      '    E1,',
      '    E2 as Two,',
      ')',
      'app = Pynenc()',
      '',
      `def helper(items):\n${body}`,
      `class Service(E1):\n    def run(self):\n${indented}`,
      `class Holder:\n    @app.task(max_retries=1)\n    def method(self):\n${indented}`,
      `@app.task(\n    retry_for=(E1, Two, osp.Missing),\n    running_concurrency=CCT.KEYS,\n)\nasync def first(a, b):\n${body}`,
      `def second(c):\n${body}`,
      'second_task = app.task(second, key_arguments=("c"))',
      `@app.direct_task\ndef third():\n${body}`,
      '',
    ].join('\n');
    const files = { 'errs.py': 'class E1(Exception): ...\nclass E2(E1): ...\n' };
    const first = indexOf({ ...files, 'jobs.py': text });
    const whole = indexOf({ ...files, 'jobs.py': 'x = 1\n' });
    whole.update('jobs.py', text);
    assert.deepEqual(first.facts('jobs.py'), whole.facts('jobs.py'));
    assert.deepEqual([...first.facts('jobs.py')!.imports], [...whole.facts('jobs.py')!.imports]);
    assert.deepEqual(first.tasks().map((t) => [t.func, written(text, t.callRange), written(text, t.nameRange), t.refusal?.code]), [
      ['method', '@app.task(max_retries=1)', 'method', 'TL023'],
      ['first', '@app.task(\n    retry_for=(E1, Two, osp.Missing),\n    running_concurrency=CCT.KEYS,\n)', 'first', undefined],
      ['second', 'app.task(second, key_arguments=("c"))', 'second', undefined],
      ['third', '@app.direct_task', 'third', undefined],
    ]);
    assert.deepEqual(plainOptions(first.tasks()[1]), { retry_for: ['errs.E1', 'errs.E2', 'os.path.Missing'], running_concurrency: 'keys' });
    assert.deepEqual(first.facts('jobs.py')!.classes.map((c) => [c.name, c.extendsName, written(text, c.nameRange)]), [['Service', 'errs.E1', 'Service'], ['Holder', undefined, 'Holder']]);
  });

  test('a change in one file reaches the files that read it: the app, the exception classes, added and removed files', () => {
    const index = indexOf({ 'app.py': APP, 'jobs.py': 'from app import app\nfrom errors import NetError\n@app.task(retry_for=(NetError,))\ndef f(): ...\n' });
    assert.deepEqual(ids(index), ['jobs.f']);
    assert.deepEqual(index.tasks()[0].exceptionRefs.map((r) => r.qualifiedName), ['errors.NetError']);
    assert.deepEqual(index.exceptionClasses(), []);
    index.update('errors.py', 'from base import Base\nclass NetError(Base): ...\n');
    index.update('base.py', 'class Base(Exception): ...\n');
    assert.deepEqual(index.exceptionClasses().map((c) => [c.name, c.extendsError]), [['NetError', true], ['Base', true]]);
    index.update('base.py', 'class Base(KeyboardInterrupt): ...\n');
    assert.deepEqual(index.exceptionClasses().map((c) => [c.name, c.extendsError]), [['NetError', false], ['Base', false]]);
    index.update('app.py', 'from celery import Celery\napp = Celery()\n');
    assert.deepEqual(ids(index), []);
    index.update('app.py', APP);
    assert.deepEqual(ids(index), ['jobs.f']);
    index.remove('app.py');
    assert.deepEqual(ids(index), []);
    index.update('app.py', APP);
    assert.deepEqual(ids(index), ['jobs.f']);
  });

  test('CRLF line ends, tabs and a byte-order mark', () => {
    const text = '\ufefffrom pynenc import Pynenc\r\nfrom errs import E\r\napp = Pynenc()\r\n\r\n@app.task(\r\n\tmax_retries=2,\r\n\tretry_for=(E,),\r\n)\r\ndef f(a):\r\n\tx = 1\r\n\ty = 2\r\n\treturn x + y + a + 1000000000000000000000000000000000000000000\r\n';
    const index = indexOf({ 'jobs.py': text, 'errs.py': '\ufeffclass E(Exception):\r\n    pass\r\n' });
    const [task] = index.tasks();
    assert.deepEqual(plainOptions(task), { max_retries: 2, retry_for: ['errs.E'] });
    assert.equal(written(text, task.nameRange), 'f');
    assert.equal(mapGet(task.options!, 'max_retries')?.keyLoc?.line, 6);
    assert.deepEqual(index.exceptionClasses().map((c) => [c.name, c.extendsError, c.line]), [['E', true, 1]]);
  });

  test('the same text again is no change; tasksById finds duplicates', () => {
    const index = indexOf({ 'jobs.py': `${APP}@app.task\ndef f(): ...\n@app.task\ndef f(): ...\n` });
    const version = index.version;
    index.update('jobs.py', `${APP}@app.task\ndef f(): ...\n@app.task\ndef f(): ...\n`);
    assert.equal(index.version, version);
    assert.equal(index.tasksById('jobs.f').length, 2);
    assert.deepEqual(index.tasksById('jobs.g'), []);
  });

  test('never throws: arbitrary text is read without internal errors', () => {
    const pieces = ['@app.task(', 'def f(', ')', ':', '\n', '    ', 'retry_for=(', 'ValueError', ',', 'CCT.KEYS', '"x"', "'''", '**o', 'class A(', 'from . import', 'import a.b as', 'app = Pynenc(', '#', '\\', '(', '[', '{', '=', 'None', '1e', '0x'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const index = newIndex();
        index.update('jobs.py', `${APP}${parts.join('')}`);
        index.update('other.py', `from jobs import *\n${parts.reverse().join(' ')}`);
        index.tasks();
        index.exceptionClasses();
        index.facts('jobs.py');
      }),
      { numRuns: 300 },
    );
  });

  test('hostile input: deep nesting, long base chains, huge lines — answered, never thrown', () => {
    const errors: string[] = [];
    const index = new PythonIndex({ onInternalError: (_e, file) => errors.push(file) });
    const deep = `${APP}@app.task(max_retries=${'['.repeat(5000)}1${']'.repeat(5000)})\ndef f(): ...\n@app.task\ndef g(): ...\n`;
    index.update('deep.py', deep);
    const chain = Array.from({ length: 3000 }, (_, i) => `class C${i + 1}(C${i}):\n    pass\n`).join('');
    index.update('chain.py', `class C0(Exception):\n    pass\n${chain}`);
    index.update('long.py', `${APP}@app.task(key_arguments=("${'x'.repeat(2_000_000)}",))\ndef h(): ...\n`);
    index.update('cycle.py', 'from cycle2 import A\nclass B(A): ...\n');
    index.update('cycle2.py', 'from cycle import B as A\nclass Z(A): ...\n');
    const classes = index.exceptionClasses();
    const last = classes.find((c) => c.name === 'C3000');
    assert.equal(last?.extendsError, true);
    assert.ok(index.tasks().some((t) => t.func === 'h'));
    assert.ok(index.tasks().some((t) => t.func === 'g'), 'a file too deep to read in full still gives what it can, or nothing');
    assert.deepEqual(classes.filter((c) => c.module.startsWith('cycle')).map((c) => [c.name, c.extendsError]), [['B', false], ['Z', false]]); // an import cycle reaches no Exception
    assert.ok(errors.length <= 1, errors.join(', '));
  });

  test('an internal error is reported through onInternalError and the file contributes nothing', () => {
    const errors: string[] = [];
    const index = new PythonIndex({ onInternalError: (_e, file) => errors.push(file) });
    // A text whose reading throws: a getter that fails when the reader looks at it.
    const hostile = { toString: () => 'x' } as unknown as string;
    index.update('bad.py', hostile);
    index.update('good.py', `${APP}@app.task\ndef f(): ...\n`);
    assert.deepEqual(errors, ['bad.py']);
    assert.deepEqual(ids(index), ['good.f']);
  });
});

describe('examples/demo-python', () => {
  test('its tasks, exceptions and refusals', () => {
    const index = indexWorkspace(path.join(REPO_ROOT, 'examples', 'demo-python'));
    assert.deepEqual(ids(index), [
      'shop.tasks.emails.send',
      'shop.tasks.emails.send_receipt',
      'shop.tasks.orders.charge_card',
      'shop.tasks.orders.order_total',
      'shop.tasks.orders.place_order',
      'shop.tasks.orders.refund',
      'shop.tasks.shipping.ship_order',
    ]);
    const [place] = index.tasksById('shop.tasks.orders.place_order');
    assert.deepEqual(plainOptions(place), { max_retries: 3, retry_for: ['shop.errors.PaymentError', 'builtins.ConnectionError'], running_concurrency: 'keys', key_arguments: ['order_id'] });
    assert.deepEqual(place.parameters, ['order_id', 'amount']);
    assert.equal(index.tasksById('shop.tasks.orders.charge_card')[0].singleExceptionRetryFor?.fixText, '(CardDeclined,)');
    assert.equal(index.tasksById('shop.tasks.orders.order_total')[0].missingTupleCommas?.[0].fixText, '("order_id",)');
    assert.equal(index.tasksById('shop.tasks.emails.send')[0].refusal?.code, 'TL023');
    assert.deepEqual(plainOptions(index.tasksById('shop.tasks.orders.refund')[0]), { registration_concurrency: 'task' });
    assert.deepEqual(plainOptions(index.tasksById('shop.tasks.shipping.ship_order')[0]), { retry_for: ['shop.errors.ShopError', 'builtins.TimeoutError'], reroute_on_concurrency_control: true });
    assert.deepEqual(index.exceptionClasses().map((c) => [c.name, c.extendsError]), [['ShopError', true], ['PaymentError', true], ['CardDeclined', true], ['Shutdown', false], ['Mailer', false]]);
  });

  test('its config.yaml sections name its Python task ids (or are deliberate typos)', () => {
    const config = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'demo-python', 'config.yaml'), 'utf8');
    const sections = [...config.matchAll(/^  (shop\.[\w.]+):/gm)].map((m) => m[1]);
    const index = indexWorkspace(path.join(REPO_ROOT, 'examples', 'demo-python'));
    assert.deepEqual(sections.filter((id) => index.tasksById(id).length === 0), ['shop.tasks.orders.refnd']);
  });
});
