// Every task() form of SPEC §3 (test/fixtures/forms), seen through the
// features facade: each is a task with the right id, config sections naming
// them are not reported, and computed values and spreads raise nothing false.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { describeDiagnostics, fieldRows } from './assertions';
import { features, fixture, FixtureWorkspace, hoverOn } from './harness';

/** The explain table row of one field of one task, as tasklens/explainTask renders it. */
function row(w: FixtureWorkspace, id: string, field: string): string | undefined {
  const answer = features.explainTask(w.ws, id);
  assert.ok(answer.ok, `${id} is a task`);
  return fieldRows(features.explainToMarkdown(answer.resolution)).find((r) => r.startsWith(`| \`${field}\` |`));
}

describe('task() forms', () => {
  test('every form is a task, named by its function or its variable (SPEC §2, §3)', () => {
    const w = fixture('forms');
    assert.deepEqual(features.listTasks(w.ws).map((t) => t.id), [
      'src.jobs.forms.computed',
      'src.jobs.forms.curried',
      'src.jobs.forms.exportLedger',
      'src.jobs.forms.optionsFirst',
      'src.jobs.forms.plainTask',
      'src.jobs.forms.reindexSearch',
      'src.jobs.forms.spread',
      'src.jobs.forms.withOptions',
    ]);
  });

  test('no diagnostic at all: not in the forms, not in config sections naming them', () => {
    const w = fixture('forms');
    for (const file of ['src/jobs/forms.ts', 'config.yaml']) {
      w.openDisk(file);
      const diagnostics = features.diagnose(w.ws, file);
      assert.deepEqual(diagnostics, [], `${file}: ${describeDiagnostics(diagnostics)}`);
    }
  });

  test('the options of each form are read: task(options)(fn) and app.task(fn, options)', () => {
    const w = fixture('forms');
    assert.match(row(w, 'src.jobs.forms.curried', 'call_result_cache') ?? '', /^\| `call_result_cache` \| `true` \| task\(\) options \(src\/jobs\/forms\.ts:22\) \|/);
    assert.match(row(w, 'src.jobs.forms.exportLedger', 'parallel_batch_size') ?? '', /^\| `parallel_batch_size` \| `10` \| task\(\) options \(src\/jobs\/forms\.ts:31\) \|/);
    assert.match(row(w, 'src.jobs.forms.optionsFirst', 'registration_concurrency') ?? '', /^\| `registration_concurrency` \| `"task"` \| task\(\) options \(src\/jobs\/forms\.ts:19\) \|/);
    assert.match(row(w, 'src.jobs.forms.reindexSearch', 'key_arguments') ?? '', /^\| `key_arguments` \| `\["indexName"\]` \| task\(\) options \(src\/jobs\/forms\.ts:38\) \|/);
  });

  test('a computed option is shown as computed, not as a guess', () => {
    const w = fixture('forms');
    const { markdown } = hoverOn(w, w.openDiskAt('src/jobs/forms.ts', 'max_retries: retries', 0));
    assert.match(markdown, /\*\*Effective for `src\.jobs\.forms\.computed`: `\(computed\)`\*\*/);
  });

  test('null and undefined options are dropped, as pynenc drops None', () => {
    const w = fixture('forms');
    assert.match(row(w, 'src.jobs.forms.computed', 'call_result_cache') ?? '', /^\| `call_result_cache` \| `false` \| default \|/);
    assert.match(row(w, 'src.jobs.forms.computed', 'parallel_batch_size') ?? '', /^\| `parallel_batch_size` \| `100` \| default \|/);
  });

  test("a list holding a computed item is computed, not the item's source text", () => {
    const w = fixture('forms');
    assert.match(row(w, 'src.jobs.forms.computed', 'key_arguments') ?? '', /^\| `key_arguments` \| `\(computed\)` \|/);
  });

  test('a spread keeps the options written beside it', () => {
    const w = fixture('forms');
    assert.match(row(w, 'src.jobs.forms.spread', 'force_new_workflow') ?? '', /^\| `force_new_workflow` \| `false` \| task\(\) options \(src\/jobs\/forms\.ts:55\) \|/);
  });
});
