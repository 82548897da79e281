// A large workspace's first index, parsed in the child process with several
// batches queued, gives the workspace the in-process index gives: the same tasks,
// definitions and problems, including what depends on the files' order (a task
// defined twice) and on names across files (exception classes imported from
// another module).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiskHost } from '../../server/src/analysis/diskHost';
import { indexTaskFiles } from '../../server/src/analysis/bulkIndex';
import { Workspace } from '../../server/src/analysis/workspace';
import { workspaceProblems } from '../../server/src/features/diagnostics';

/** 520 task files (six batches of 100, more than the child's queue holds), a shared errors module, a config. */
function writeWorkspace(root: string): void {
  fs.mkdirSync(path.join(root, 'src', 'jobs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src', 'errors.ts'), 'export class NetworkError extends Error {}\nexport class NotAnError {}\n');
  const sections: string[] = [];
  for (let i = 0; i < 520; i++) {
    const retry = i % 3 === 0 ? 'NetworkError' : i % 3 === 1 ? 'NotAnError' : 'MissingError';
    // shared.ts (batch 1) and shared.tsx (batch 5) are one module: `src.jobs.shared.dup` is defined twice.
    const dup = i === 7 || i === 400 ? `export const dup = task({ max_retries: ${i} }, async function dup(orderId: string) { return orderId; });\n` : '';
    const file = i === 7 || i === 400 ? 'shared' : `job_${i}`;
    fs.writeFileSync(path.join(root, 'src', 'jobs', `${file}.${i === 400 ? 'tsx' : 'ts'}`), `import { task } from 'pynenc';\nimport { NetworkError, NotAnError } from '../errors';\n${dup}export const run${i} = task({ max_retries: ${i % 5}, retry_for: [${retry}], key_arguments: ['orderId'] }, async function run${i}(orderId: string) { return orderId; });\n`);
    if (i % 4 === 0) sections.push(`  src.jobs.${file}.run${i}:\n    max_retries: ${i % 2 === 0 ? 7 : 'many'}\n`);
  }
  fs.writeFileSync(path.join(root, 'config.yaml'), `task:\n  running_concurrency: keys\n${sections.join('')}  src.jobs.job_3.run33:\n    max_retries: 1\n`);
}

test('the child-parsed first index (six batches, three queued) equals the in-process index', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-bulk-'));
  try {
    writeWorkspace(root);
    const inChild = new Workspace(new DiskHost(root), { root, configFile: 'config.yaml' });
    const errors: string[] = [];
    const done = await indexTaskFiles(inChild, inChild.taskFiles(), { between: async () => true, onInternalError: (file, e) => errors.push(`${file}: ${String(e)}`) });
    assert.equal(done, true);
    assert.deepEqual(errors, []);
    const inProcess = new Workspace(new DiskHost(root), { root, configFile: 'config.yaml' });
    inProcess.scanTypeScript();
    assert.equal(inChild.tasks().size, 521, '520 runs and one dup');
    assert.deepEqual([...inChild.tasks().keys()], [...inProcess.tasks().keys()]);
    assert.deepEqual([...inChild.tasks().values()], [...inProcess.tasks().values()]);
    assert.deepEqual(inChild.taskDefinitions('src.jobs.shared.dup'), inProcess.taskDefinitions('src.jobs.shared.dup'));
    assert.equal(inChild.taskDefinitions('src.jobs.shared.dup').length, 2);
    const task = inChild.tasks().get('src.jobs.job_3.run3')!;
    assert.deepEqual(inChild.resolveField(task, 'retry_for'), inProcess.resolveField(inProcess.tasks().get(task.id)!, 'retry_for'));
    const problems = workspaceProblems(inChild);
    assert.deepEqual(problems, workspaceProblems(inProcess));
    const codes = new Set<string>(problems.flatMap((f) => f.problems.map((p) => p.code)));
    for (const code of ['TL006', 'TL007', 'TL008']) assert.ok(codes.has(code), `${code} among ${[...codes].join(' ')}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
