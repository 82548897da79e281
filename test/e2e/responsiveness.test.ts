// The real server stays responsive while it checks a large config: diagnostics
// work runs in slices, and a request that arrives meanwhile is answered between
// them, not after the whole file (issue 9, issue 10).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hoverText } from '../features/assertions';
import { InProcessServer } from './inProcessServer';
import { LspTestClient, OpenDocument, positionAt } from './lspClient';

/** A config of `n` per-task sections in several styles, with problems in some. */
function largeConfig(n: number): string {
  const out = ['max_retries: 2', 'task:', '  running_concurrency: task'];
  for (let i = 0; i < n; i++) {
    out.push(`  src.tasks.m${i % 97}.job${i}:`);
    out.push(`    max_retries: ${i % 7}`);
    if (i % 3 === 0) out.push('    retry_for: [builtins.ValueError, app.errors.Missing]');
    if (i % 5 === 0) out.push('    retry_for_typo: 1');
    if (i % 4 === 0) out.push('    key_arguments:', '      - customerId', '      - "orderId"');
    if (i % 6 === 0) out.push(`    registration_concurrency: ${i % 12 === 0 ? 'KEYS' : 'arguments'}`);
  }
  return out.join('\n') + '\n';
}

const env = 'PYNENC__MAX_RETRIES=4\n';

/** A server on a workspace with a small `.env`, opened and checked, for `work`. */
async function withSmallDocument(work: (client: LspTestClient, small: OpenDocument) => Promise<void>): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-responsive-'));
  fs.writeFileSync(path.join(root, '.env'), env);
  const client = await LspTestClient.start(root);
  try {
    const small = await client.openPlain('.env', env);
    await client.waitForDiagnostics(small);
    await work(client, small);
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('a hover on another document is answered while a large config is being checked, before its diagnostics', () => withSmallDocument(async (client, small) => {
  const big = await client.openPlain('config.yaml', largeConfig(15_000));
  const published = client.waitForDiagnostics(big);
  let checked = false;
  void published.then(() => (checked = true));
  // Hovers from the moment the check may have started until its diagnostics arrive.
  const answeredBefore: boolean[] = [];
  const hovers: Promise<void>[] = [];
  while (!checked && hovers.length < 400) {
    hovers.push(client.hover(small.uri, positionAt(env, 10)).then((hover) => {
      assert.match(hoverText(hover), /max_retries/);
      answeredBefore.push(client.latestDiagnostics(big.uri) === undefined);
    }));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const diagnostics = await published;
  await Promise.all(hovers);
  assert.ok(diagnostics.some((d) => d.code === 'TL002'), 'the large config was checked');
  // The first hovers may be answered before the check starts; some must come while it runs.
  const during = answeredBefore.slice(2).filter(Boolean).length;
  assert.ok(during > 0, `no hover was answered while the config was being checked (${answeredBefore.length} sent)`);
}));

test('a large config opened in the editor is read in steps: a hover on another document is answered meanwhile, one on the config itself waits for its text', () => withSmallDocument(async (client, small) => {
  // Not on disk: nothing has read it before it is opened.
  const text = largeConfig(60_000);
  const big = await client.openPlain('config.yaml', text);
  const published = client.waitForDiagnostics(big);
  const sent = performance.now();
  assert.match(hoverText(await client.hover(small.uri, positionAt(env, 10))), /max_retries/);
  const waited = performance.now() - sent;
  const field = text.indexOf('max_retries', text.indexOf('src.tasks.m5.job5:'));
  assert.match(hoverText(await client.hover(big.uri, positionAt(text, field + 2))), /max_retries/);
  const read = performance.now() - sent;
  assert.ok(waited < read / 2, `the hover on the small document waited ${waited.toFixed(0)} ms; reading the config took ${read.toFixed(0)} ms`);
  assert.ok((await published).some((d) => d.code === 'TL002'), 'the large config was checked');
}));

test('a large config edited while it is still being read answers as a fresh open of its final text', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-reading-'));
  fs.writeFileSync(path.join(root, '.env'), env);
  const servers: InProcessServer[] = [];
  try {
    const file = 'config.yaml';
    // Over 512 KB, so that a new version is read in steps; on disk, so that it is read at the start.
    const first = largeConfig(9_500);
    fs.writeFileSync(path.join(root, file), first);
    const edited = await InProcessServer.start(root);
    servers.push(edited);
    await edited.open(file, first);
    // Sent at once: the paste of a whole file is read in steps, and each change after it drops the read before it.
    const at = (text: string, needle: string, from = 0) => text.indexOf(needle, from);
    const doc = () => edited.document(file);
    const rangeOf = (start: number, end: number) => ({ start: doc().positionAt(start), end: doc().positionAt(end) });
    const digit = at(first, 'max_retries: 3', 50_000) + 'max_retries: '.length;
    await edited.change(file, [{ range: rangeOf(digit, digit + 1), text: '9' }]);
    // A paste of the whole file, then typing into the pasted text before it is read.
    const pasted = largeConfig(9_000).replace('running_concurrency: task', 'running_concurrency: KEYS');
    await edited.change(file, [{ range: rangeOf(0, edited.text(file).length), text: pasted }]);
    const section = at(pasted, '  src.tasks.m5.job5:');
    await edited.change(file, [{ range: rangeOf(section, section), text: '  src.tasks.new.job:\n    max_retries: x\n' }]);
    const tail = edited.text(file).length;
    await edited.change(file, [{ range: rangeOf(tail, tail), text: '  src.tasks.last.job:\n    running_concurrency: Keys\n' }]);
    // A small text pasted over the one being read, then typed into: the edit is of the pasted text.
    const small = `${largeConfig(40).replace('running_concurrency: task', 'running_concurrency: KEYS')}  src.tasks.last.job:\n    running_concurrency: Keys\n`;
    await edited.change(file, [{ range: rangeOf(0, edited.text(file).length), text: small }]);
    const typed = at(small, '  src.tasks.m5.job5:');
    await edited.change(file, [{ range: rangeOf(typed, typed), text: '  src.tasks.new.job:\n    max_retries: x\n' }]);
    const final = edited.text(file);
    const positions = ['running_concurrency: KEYS', 'max_retries: x', 'src.tasks.m5.job5:', 'Keys', 'retry_for_typo'].map((needle) => positionAt(final, at(final, needle) + 2));
    const answers = async (server: InProcessServer) => ({ diagnostics: await server.diagnostics(file), hovers: await Promise.all(positions.map((p) => server.hover(file, p))) });
    const editedAnswers = await answers(edited);
    const fresh = await InProcessServer.start(root);
    servers.push(fresh);
    await fresh.open(file, final);
    assert.deepEqual(editedAnswers, await answers(fresh));
    assert.ok(editedAnswers.diagnostics.some((d) => d.code === 'TL003' && d.range.start.line === positions[1].line), 'the line typed into the pasted text is checked');
    assert.deepEqual(edited.failures(), []);
  } finally {
    for (const server of servers) await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
