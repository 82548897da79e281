// `check --format json` writes its rows one at a time: the rows joined as the
// CLI joins them are the bytes JSON.stringify(rows, null, 2) gives, for any
// rows (quotes, backslashes, control characters, non-ASCII, lone surrogates in
// messages, a row with no file).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
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
