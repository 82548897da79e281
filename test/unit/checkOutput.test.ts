// `check --format json` writes its rows one at a time: the rows joined as the
// CLI joins them are the bytes JSON.stringify(rows, null, 2) gives, for any
// rows (quotes, backslashes, control characters, non-ASCII, lone surrogates in
// messages, a row with no file).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Workspace } from '../../server/src/analysis/workspace';
import { eachProblemBatch, workspaceProblems, WorkspaceFileProblems } from '../../server/src/features/diagnostics';
import { CheckRow, jsonRowInList } from '../../server/src/features';

const FULL = process.env.TASKLENS_FUZZ_FULL === '1';

const row: fc.Arbitrary<CheckRow> = fc.record({
  file: fc.option(fc.string({ unit: 'binary' }), { nil: null }),
  line: fc.nat(),
  column: fc.nat(),
  endLine: fc.nat(),
  endColumn: fc.nat(),
  severity: fc.constantFrom('error', 'warning', 'info', 'hint'),
  code: fc.constantFrom('TL001', 'TL006', 'TL014'),
  message: fc.string({ unit: 'binary' }),
});

/** What the CLI writes for `rows`. */
function written(rows: readonly CheckRow[]): string {
  return rows.length === 0 ? '[]' : `[${rows.map((r, i) => `${i === 0 ? '\n' : ',\n'}${jsonRowInList(r)}`).join('')}\n]`;
}

test('property: rows written one at a time are JSON.stringify(rows, null, 2)', () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 8 }), (rows) => {
      assert.equal(written(rows), JSON.stringify(rows, null, 2));
    }),
    { numRuns: FULL ? 5_000 : 300, seed: Number(process.env.TASKLENS_FUZZ_SEED ?? 42) },
  );
});

/** A workspace in memory: one task file and a config of `sections` per-task sections, some with problems. */
function bigWorkspace(format: 'yaml' | 'json', sections: number): Workspace {
  const ids = Array.from({ length: sections }, (_, i) => `src.tasks.jobs.job${i}`);
  const code = ids.map((id, i) => `export const job${i} = task(function job${i}(orderId: string) { return orderId; });`).join('\n');
  const config = format === 'yaml'
    ? `max_retries: 1\ntask:\n  max_retries: 2\n${ids.map((id, i) => `  ${i % 7 === 0 ? `${id}x` : id}:\n    max_retries: ${i % 5 === 0 ? 'three' : i}\n    retry_for: [requests.exceptions.Timeout]\n${i % 3 === 0 ? '    key_arguments: [orderId, tenant]\n' : ''}`).join('')}`
    : JSON.stringify({ max_retries: 1, task: Object.fromEntries([['max_retries', 2], ...ids.map((id, i) => [i % 7 === 0 ? `${id}x` : id, { max_retries: i % 5 === 0 ? 'three' : i, retry_for: ['requests.exceptions.Timeout'] }])]) }, null, 2);
  const files: Record<string, string> = { 'src/tasks/jobs.ts': `import { task } from 'pynenc';\n${code}\n`, [`config.${format}`]: config };
  const ws = new Workspace({ readText: (p) => files[p], listFiles: () => Object.keys(files) }, { root: '/w', configFile: `config.${format}` });
  ws.scanTypeScript();
  return ws;
}

for (const format of ['yaml', 'json'] as const) {
  test(`a large ${format} file's problems in parts, joined, are its problems in one list`, () => {
    const whole = workspaceProblems(bigWorkspace(format, 1_200));
    const parts = [...eachProblemBatch(bigWorkspace(format, 1_200))];
    const joined = (list: readonly WorkspaceFileProblems[]) => list.flatMap((f) => f.problems.map((p) => ({ file: f.file, ...p })));
    assert.ok(parts.filter((p) => p.file === `config.${format}`).length > (format === 'yaml' ? 2 : 0), 'the config file comes in several parts');
    assert.ok(whole.some((f) => f.problems.length > 500), 'the config file has many problems');
    assert.deepEqual(joined(parts), joined(whole));
  });
}
