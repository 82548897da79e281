// Environments side by side (SPEC §12), on the demo workspace: its tasklens.json
// names `production` (.env.production, then .env) and `local`.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { DiskHost } from '../../server/src/analysis/diskHost';
import { settingsFromWorkspaceFiles } from '../../server/src/analysis/settings';
import { Workspace } from '../../server/src/analysis/workspace';
import * as features from '../../server/src/features';
import { runCli } from '../cliInProcess';
import { REPO_ROOT } from '../paths';

const DEMO = path.join(REPO_ROOT, 'examples', 'demo');

function tasklens(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return runCli([...args, '--root', DEMO]);
}

describe('tasklens diff and --environment', async () => {
  test('diff lists every task field that differs, with both sources', async () => {
    const run = await tasklens('diff', 'default', 'production', '--format', 'json');
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { a: string; b: string; differences: { task: string; field: string; a: { value: unknown; source: { file?: string } }; b: { value: unknown; source: { file?: string; line?: number } } }[] };
    assert.equal(out.a, 'default');
    assert.equal(out.b, 'production');
    const retries = out.differences.find((d) => d.task === 'src.tasks.email.sendEmail' && d.field === 'max_retries');
    assert.deepEqual([retries?.a.value, retries?.a.source.file, retries?.b.value, retries?.b.source.file, retries?.b.source.line], [7, '.env', 12, '.env.production', 2]);
    assert.ok(out.differences.every((d) => JSON.stringify(d.a.value) !== JSON.stringify(d.b.value) || d.field === 'running_concurrency'), 'only fields that differ');
    const text = await tasklens('diff', 'default', 'production');
    assert.match(text.stdout, /^src\.tasks\.email\.sendEmail\s+max_retries\s+7 \(PYNENC__CONFIGTASK__MAX_RETRIES \(\.env:2\)\)\s+12 \(PYNENC__CONFIGTASK__MAX_RETRIES \(\.env\.production:2\)\)$/m);
    assert.match(text.stdout, /^5 difference\(s\) between default and production$/m);
  });

  test('an environment against itself differs nowhere', async () => {
    assert.equal((await tasklens('diff', 'production', 'production')).stdout, 'No task field differs between production and production.\n');
  });

  test('explain --environment resolves with that environment', async () => {
    const run = await tasklens('explain', 'src.tasks.email.sendEmail', '--environment', 'local', '--format', 'json');
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { fields: Record<string, { value: unknown; source: Record<string, unknown> }> };
    assert.equal(out.fields.max_retries.value, 0);
    assert.deepEqual(out.fields.max_retries.source, { kind: 'env', key: 'PYNENC__CONFIGTASK__MAX_RETRIES', via: 'setting' });
  });

  test('an unknown environment: exit 2, one line naming those there are', async () => {
    const run = await tasklens('explain', 'src.tasks.email.sendEmail', '--environment', 'prod');
    assert.equal(run.status, 2);
    assert.equal(run.stderr.split('\n')[0], "tasklens: unknown environment 'prod' (known: default, production, local; environments come from tasklens.environments in .vscode/settings.json or tasklens.json)");
  });
});

describe('the hover shows other environments where they differ', async () => {
  test('under the chain: each other environment whose value differs, with its source', async () => {
    const host = new DiskHost(DEMO);
    const ws = new Workspace(host, { root: DEMO, settings: settingsFromWorkspaceFiles((p) => host.readText(p)) });
    ws.scanTypeScript();
    const text = host.readText('config.yaml')!;
    const offset = text.indexOf('max_retries: 5');
    const hover = features.hover(ws, 'config.yaml', offset);
    const markdown = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    assert.match(markdown, /In other environments \(this is \*\*default\*\*\):/);
    assert.match(markdown, /\| production \| `12` \| PYNENC__CONFIGTASK__MAX_RETRIES \(\.env\.production:2\) \|/);
    assert.match(markdown, /\| local \| `0` \| PYNENC__CONFIGTASK__MAX_RETRIES \(tasklens\.env setting\) \|/);
    // Switching the environment switches the effective value.
    ws.setSettings({ ...ws.settings, environment: 'production' });
    const switched = features.hover(ws, 'config.yaml', offset);
    const after = switched && typeof switched.contents === 'object' && 'value' in switched.contents ? switched.contents.value : '';
    assert.match(after, /\*\*Effective for `src\.tasks\.email\.sendEmail`: `12`\*\*/);
    assert.match(after, /\| default \| `7` \|/);
  });
});
