// The compact form the TypeScript parsing child answers in: whatever a record
// can hold comes back equal, strings shared through the read's intern table,
// and a damaged answer fails loudly (the files are then parsed in the server).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import fc from 'fast-check';
import { decodeCompact, encodeCompact } from '../../server/src/analysis/compactValue';
import { InternTable } from '../../server/src/analysis/intern';
import { parseFile } from '../../server/src/analysis/typescript/parse';
import { ParseWorker } from '../../server/src/analysis/typescript/parseWorker';
import { REPO_ROOT } from '../paths';

function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? (e.name === 'node_modules' ? [] : typeScriptFiles(rel)) : /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

const FULL = process.env.TASKLENS_FUZZ_FULL === '1';
const roundTrip = (value: unknown, table: InternTable = new Map()) => decodeCompact(v8.deserialize(v8.serialize(encodeCompact(value))), table);

test('property: any plain value (objects, arrays, Maps, Sets, every kind of number and string) comes back equal', () => {
  const value = fc.anything({ withMap: true, withSet: true, withBoxedValues: false, withNullPrototype: false, withSparseArray: false, withTypedArray: false, withBigInt: false, withDate: false });
  fc.assert(
    fc.property(value, (v) => {
      assert.deepStrictEqual(roundTrip(v), v);
    }),
    { numRuns: FULL ? 20_000 : 1_000, seed: Number(process.env.TASKLENS_FUZZ_SEED ?? 42) },
  );
});

test('numbers at the edges, an own __proto__ key, undefined inside arrays and objects', () => {
  const value = {
    ints: [0, 1, -1, 63, 64, -64, -65, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53, -(2 ** 53)],
    floats: [-0, 0.5, -1.5, NaN, Infinity, -Infinity, Number.MIN_VALUE],
    holes: [undefined, null, undefined],
    maybe: undefined,
    strings: ['', 'é', '\uD83D', '\uDE00\uD83D', 'x'.repeat(70_000)],
    nested: new Map<unknown, unknown>([['k', new Set([1, 'a', { deep: [[[]]] }])], [{ key: 1 }, 'object key']]),
  };
  const own = JSON.parse('{"__proto__": {"polluted": true}, "after": 1}') as object;
  assert.deepStrictEqual(roundTrip(value), value);
  const back = roundTrip(own) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepStrictEqual(Object.keys(back), ['__proto__', 'after']);
  assert.deepStrictEqual(back.__proto__, { polluted: true });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('every fixture file\'s record comes back equal, its strings taken from the table, and smaller than a structured clone', () => {
  const files = ['test/fixtures', 'examples'].flatMap((dir) => typeScriptFiles(dir));
  assert.ok(files.length >= 20, `only ${files.length} files`);
  const records = files.map((f, i) => parseFile(f, `m${i}`, fs.readFileSync(path.join(REPO_ROOT, f), 'utf8'), ['task', 'job']));
  const table: InternTable = new Map();
  assert.deepStrictEqual(roundTrip(records, table), records);
  assert.ok(table.has(files[0]) && table.has('retry_for'), 'file names and keys went through the table');
  const compactBytes = v8.serialize(encodeCompact(records)).length;
  const cloneBytes = v8.serialize(records).length;
  assert.ok(compactBytes * 2 < cloneBytes, `${compactBytes} bytes compact, ${cloneBytes} as a structured clone`);
});

test('a damaged compact value throws instead of reading past its bytes; what cannot be encoded throws', () => {
  const compact = encodeCompact({ a: [1, 'two', { three: 3 }] });
  for (let cut = 0; cut < compact.bytes.length; cut++) {
    assert.throws(() => decodeCompact({ ...compact, bytes: compact.bytes.subarray(0, cut) }, new Map()), RangeError, `cut at ${cut}`);
  }
  assert.throws(() => decodeCompact({ ...compact, bytes: Uint8Array.from([...compact.bytes, 0]) }, new Map()), RangeError);
  assert.throws(() => decodeCompact({ ...compact, strings: [] }, new Map()), RangeError);
  assert.throws(() => decodeCompact({ ...compact, bytes: Uint8Array.of(42) }, new Map()), RangeError);
  assert.throws(() => encodeCompact({ f: () => 1 }), TypeError);
  assert.throws(() => encodeCompact([Symbol('s')]), TypeError);
});

test('a child whose answer does not read back leaves the batch to the server', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-compact-'));
  const garbled = path.join(dir, 'garbled.js');
  // Answers every batch with bytes that are no compact value.
  fs.writeFileSync(garbled, "process.on('message', (r) => process.send({ id: r.id, compact: { strings: [], shapes: [], numbers: [], bytes: Uint8Array.of(7, 200) } }));\n");
  const worker = new ParseWorker(garbled);
  try {
    assert.equal(await worker.parse([{ file: 'a.ts', module: 'a', text: 'export const x = task(async () => 1);' }], ['task']), undefined);
  } finally {
    await worker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
