// A long completion list stays small over LSP: `.env` names for a workspace of
// 300 tasks come as one list whose shared range is sent once (LSP 3.17 item
// defaults), each task's detail and each field's documentation on resolve
// (issue 10: under 100 KB per response).
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CompletionItem, CompletionList } from 'vscode-languageserver-protocol/node';
import { applyEdits, LspTestClient, positionAt } from './lspClient';

const TASKS = 300;
let root: string;

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-completion-'));
  fs.mkdirSync(path.join(root, 'src', 'tasks'), { recursive: true });
  for (let f = 0; f < TASKS / 10; f++) {
    const lines = ["import { task } from 'pynenc';"];
    for (let t = 0; t < 10; t++) lines.push(`export const job${t} = task(async (orderId: string) => orderId);`);
    fs.writeFileSync(path.join(root, 'src', 'tasks', `module${f}.ts`), lines.join('\n') + '\n');
  }
  fs.writeFileSync(path.join(root, 'config.yaml'), 'task:\n  max_retries: 1\n');
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

async function envCompletion(itemDefaults: boolean) {
  const client = await LspTestClient.start(root, { completionItemDefaults: itemDefaults });
  const text = 'PYNENC__CONFIGTASK__';
  const doc = await client.openPlain('.env', text);
  const answer = await client.completionAnswer(doc.uri, positionAt(text, text.length));
  return { client, doc, text, answer };
}

test('.env completion for 300 tasks: one list with the range sent once, under 100 KB, each task item inserting its own name', async () => {
  const { client, text, answer } = await envCompletion(true);
  try {
    assert.ok(answer && !Array.isArray(answer), 'a CompletionList');
    const list = answer as CompletionList;
    const bytes = Buffer.byteLength(JSON.stringify(list));
    assert.ok(list.items.length >= TASKS, `${list.items.length} items`);
    assert.ok(bytes < 100_000, `${bytes} bytes`);
    console.log(`${list.items.length} items, ${bytes} bytes`);
    assert.ok(list.itemDefaults?.editRange, 'the shared range is a default');
    // What an editor inserts for a task item: its label over the default range, and the list continues with its fields.
    const item = list.items.find((i) => i.label === 'PYNENC__CONFIGTASK__SRC.TASKS.MODULE7#JOB3__')!;
    assert.ok(item, 'the task src.tasks.module7.job3 is offered');
    const range = list.itemDefaults!.editRange as { start: { line: number; character: number }; end: { line: number; character: number } };
    assert.equal(applyEdits(text, [{ range, newText: item.textEditText ?? item.label }]), 'PYNENC__CONFIGTASK__SRC.TASKS.MODULE7#JOB3__');
    const resolved: CompletionItem = await client.resolveCompletion(item);
    assert.equal(resolved.detail, 'settings for src.tasks.module7.job3 only');
    const field = list.items.find((i) => i.label === 'PYNENC__CONFIGTASK__MAX_RETRIES')!;
    assert.equal(applyEdits(text, [{ range, newText: field.textEditText ?? field.label }]), 'PYNENC__CONFIGTASK__MAX_RETRIES=');
    assert.match(JSON.stringify((await client.resolveCompletion(field)).documentation ?? null), /max_retries/);
  } finally {
    await client.stop();
  }
});

test('a client without item defaults gets items that each carry their edit', async () => {
  const { client, answer } = await envCompletion(false);
  try {
    const items = (Array.isArray(answer) ? answer : answer?.items) ?? [];
    assert.ok(items.length >= TASKS);
    assert.ok(items.every((i) => i.textEdit !== undefined), 'every item has its textEdit');
  } finally {
    await client.stop();
  }
});
