// The real server stays responsive while it checks a large config: diagnostics
// work runs in slices, and a request that arrives meanwhile is answered between
// them, not after the whole file (issue 9, issue 10).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hoverText } from '../features/assertions';
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
