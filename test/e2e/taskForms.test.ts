// Every task() form of SPEC §3 (test/fixtures/forms), seen through the real
// server: each is a task with the right id, config sections naming them are
// not reported, and computed values and spreads raise nothing false.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { describeDiagnostics, FORMS, hoverText } from './assertions';
import { LspTestClient, OpenDocument, positionAt, useServer } from './lspClient';

let client: LspTestClient;
const opened: OpenDocument[] = [];

useServer(FORMS, opened, (started) => (client = started));

async function openDisk(file: string): Promise<OpenDocument> {
  const doc = await client.openPlain(file, fs.readFileSync(path.join(FORMS, file), 'utf8'));
  opened.push(doc);
  return doc;
}

describe('task() forms', () => {
  test('every form is a task, named by its function or its variable (SPEC §2, §3)', async () => {
    const ids = (await client.listTasks()).map((t) => t.id);
    assert.deepEqual(ids, [
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

  test('no diagnostic at all: not in the forms, not in config sections naming them', async () => {
    for (const file of ['src/jobs/forms.ts', 'config.yaml']) {
      const doc = await openDisk(file);
      const diagnostics = await client.waitForDiagnostics(doc);
      assert.deepEqual(diagnostics, [], `${file}: ${describeDiagnostics(diagnostics)}`);
    }
  });

  test('the options of each form are read: task(options)(fn) and app.task(fn, options)', async () => {
    const curried = await client.explainTask('src.jobs.forms.curried');
    assert.match(curried?.markdown ?? '', /\| `call_result_cache` \| `true` \| task\(\) options \(src\/jobs\/forms\.ts:22\) \|/);
    const viaApp = await client.explainTask('src.jobs.forms.exportLedger');
    assert.match(viaApp?.markdown ?? '', /\| `parallel_batch_size` \| `10` \| task\(\) options \(src\/jobs\/forms\.ts:31\) \|/);
  });

  test('a computed option is shown as computed, not as a guess', async () => {
    const doc = await openDisk('src/jobs/forms.ts');
    const offset = doc.text.indexOf('max_retries: retries') + 2;
    const markdown = hoverText(await client.hover(doc.uri, positionAt(doc.text, offset)));
    assert.match(markdown, /\*\*Effective for `src\.jobs\.forms\.computed`: `\(computed\)`\*\*/);
  });

  test('null and undefined options are dropped, as pynenc drops None', async () => {
    const computed = await client.explainTask('src.jobs.forms.computed');
    assert.match(computed?.markdown ?? '', /\| `call_result_cache` \| `false` \| default \|/);
    assert.match(computed?.markdown ?? '', /\| `parallel_batch_size` \| `100` \| default \|/);
  });

  test('a list holding a computed item is computed, not the item\'s source text', async () => {
    const computed = await client.explainTask('src.jobs.forms.computed');
    assert.match(computed?.markdown ?? '', /\| `key_arguments` \| `\(computed\)` \|/);
  });
});
