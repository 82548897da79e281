// No spread or recursion whose size grows with the input (SPEC §11, issue 9): a
// config with 150,000 per-task sections crashed diagnostics with "Maximum call
// stack size exceeded" (problems appended with `push(...list)`). The same code
// runs here in a Node with a 60 KB stack, where 20,000 problems show it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as path from 'path';

const BUILD = path.join(__dirname, '..', '..');

test('20,000 problems in one task: section are reported with a small stack', () => {
  const script = `
    const { Workspace } = require(${JSON.stringify(path.join(BUILD, 'server/src/analysis/workspace.js'))});
    const { MemoryHost } = require(${JSON.stringify(path.join(BUILD, 'test/features/harness.js'))});
    const { diagnose } = require(${JSON.stringify(path.join(BUILD, 'server/src/features/index.js'))});
    const ws = new Workspace(new MemoryHost(new Map()));
    // 20,000 unknown class-level keys: a TL002 each.
    ws.setOverlay('config.yaml', 'task:\\n' + Array.from({ length: 20000 }, (_, i) => '  k' + i + ': 1\\n').join(''));
    try { process.stdout.write(String(diagnose(ws, 'config.yaml').length)); }
    catch (e) { process.stdout.write('threw: ' + e.message); }
  `;
  assert.equal(cp.execFileSync(process.execPath, ['--stack-size=60', '-e', script], { encoding: 'utf8' }), '20000');
});
