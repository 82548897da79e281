// A Python pynenc project as a first-class source of tasks (SPEC §10), on
// examples/demo-python: check and explain through the built CLI, and hover,
// completion and definition through the features facade.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as path from 'path';
import { DiskHost } from '../../server/src/analysis/diskHost';
import { Workspace } from '../../server/src/analysis/workspace';
import * as features from '../../server/src/features';
import { REPO_ROOT } from '../paths';

const CLI = path.join(REPO_ROOT, 'server', 'out', 'cli.js');
const DEMO = path.join(REPO_ROOT, 'examples', 'demo-python');

function tasklens(...args: string[]): { status: number; stdout: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PYNENC__')));
  const run = cp.spawnSync(CLI, [...args, '--root', DEMO], { encoding: 'utf8', env });
  return { status: run.status ?? -1, stdout: run.stdout };
}

function demo(overrides: Record<string, string> = {}): Workspace {
  const disk = new DiskHost(DEMO);
  const ws = new Workspace({ readText: (p) => overrides[p] ?? disk.readText(p), listFiles: () => disk.listFiles() }, { root: DEMO });
  ws.scanTypeScript();
  return ws;
}

const markdown = (h: ReturnType<typeof features.hover>) => (h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');

describe('a Python workspace', () => {
  test('check: the decorators\' problems at their lines, the Celery file ignored, TL008 knows Python ids', () => {
    const run = tasklens('check', '--format', 'json');
    assert.equal(run.status, 1);
    const rows = JSON.parse(run.stdout) as { file: string; line: number; code: string }[];
    const at = (code: string) => rows.filter((r) => r.code === code).map((r) => `${r.file}:${r.line}`);
    assert.deepEqual(at('TL025'), ['src/shop/tasks/orders.py:18']);
    assert.deepEqual(at('TL023'), ['src/shop/tasks/emails.py:11']);
    assert.deepEqual(at('TL013'), ['src/shop/tasks/orders.py:23']);
    assert.deepEqual(at('TL008'), ['config.yaml:17']);
    assert.ok(!rows.some((r) => r.file === 'src/shop/legacy_celery.py'), 'Celery tasks are not ours');
  });

  test('explain: the decorator options are the weakest source; modules come from the src root', () => {
    const run = tasklens('explain', 'shop.tasks.orders.place_order', '--format', 'json');
    assert.equal(run.status, 0);
    const out = JSON.parse(run.stdout) as { fields: Record<string, { value: unknown; source: { kind: string; file?: string }; shadowed: { kind: string; file?: string; value: unknown }[] }> };
    assert.equal(out.fields.max_retries.value, 7);
    assert.deepEqual(out.fields.max_retries.shadowed.map((s) => [s.kind, s.file, s.value]), [['config_file', 'config.yaml', 5], ['pyproject', 'pyproject.toml', 2], ['task_options', 'src/shop/tasks/orders.py', 3]]);
    assert.deepEqual(out.fields.key_arguments.value, ['order_id']);
  });

  test('a Python task with no retry_for anywhere defaults to pynenc\'s RetryError', () => {
    const ws = demo();
    const id = [...ws.tasks().keys()].find((k) => k.endsWith('.order_total'))!;
    const retry = ws.resolveField(ws.tasks().get(id)!, 'retry_for');
    if (retry.source.kind === 'default') assert.deepEqual(retry.value, ['pynenc.exceptions.RetryError']);
    assert.equal(ws.exceptions('python').lookup('builtins.ValueError')?.extendsError, true);
    assert.equal(ws.exceptions('python').lookup('builtins.KeyboardInterrupt')?.extendsError, false);
  });

  test('hover on a keyword: the effective value and its chain; on the def: all eleven and the root', () => {
    const ws = demo();
    const file = 'src/shop/tasks/orders.py';
    const text = ws.readText(file)!;
    const onKeyword = markdown(features.hover(ws, file, text.indexOf('max_retries=3') + 2));
    assert.match(onKeyword, /\*\*Effective for `shop\.tasks\.orders\.place_order`: `7`\*\*/);
    assert.match(onKeyword, /src\/shop\/tasks\/orders\.py:9/);
    const onDef = markdown(features.hover(ws, file, text.indexOf('def place_order') + 6));
    assert.match(onDef, /### Task `shop\.tasks\.orders\.place_order`/);
    assert.match(onDef, /from the Python root `src`/);
  });

  test('completion in a decorator: keywords not given, enum members after the alias, booleans', () => {
    const file = 'src/shop/tasks/orders.py';
    const base = demo().readText(file)!;
    const typing = (replace: string, by: string) => {
      const marked = base.replace(replace, by);
      const offset = marked.indexOf('|');
      const text = marked.slice(0, offset) + marked.slice(offset + 1);
      const ws = demo({ [file]: text });
      return features.complete(ws, file, offset).map((i) => i.label);
    };
    const keywords = typing('    max_retries=3,\n', '    max_retries=3,\n    |\n');
    assert.ok(keywords.includes('call_result_cache') && !keywords.includes('max_retries'), keywords.join(','));
    assert.deepEqual(typing('running_concurrency=CCT.KEYS', 'running_concurrency=CCT.|'), ['DISABLED', 'TASK', 'ARGUMENTS', 'KEYS']);
    assert.deepEqual(typing('    max_retries=3,\n', '    max_retries=3,\n    call_result_cache=|,\n'), ['True', 'False']);
  });

  test('go to definition from a per-task key to the Python def', () => {
    const ws = demo();
    const config = ws.readText('config.yaml')!;
    const at = config.indexOf('shop.tasks.orders.place_order');
    const found = features.definition(ws, 'config.yaml', at + 3, (p) => `file:///${p}`);
    assert.deepEqual(found.map((l) => [l.uri, l.range.start.line]), [['file:///src/shop/tasks/orders.py', 13]]);
  });
});
