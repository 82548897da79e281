// The stdio encoder of publishDiagnostics: whatever a file's lists of
// diagnostics do from one publication to the next (edits in the middle, items
// added, removed, moved, the list emptied, another file in between), the bytes
// it writes are the JSON of the message.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeMessage } from '../../server/src/server';

const FULL = process.env.TASKLENS_FUZZ_FULL === '1';

interface Diag {
  readonly range: { start: { line: number; character: number }; end: { line: number; character: number } };
  readonly message: string;
  readonly code: string;
}

function diagnostic(n: number): Diag {
  return { range: { start: { line: n, character: 1 }, end: { line: n, character: 4 } }, message: `problem ${n} “quoted” é`, code: `TL00${n % 10}` };
}

function publish(uri: string, version: number, diagnostics: readonly Diag[]): { message: object; bytes: Buffer } {
  const message = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version, diagnostics } };
  return { message, bytes: encodeMessage(message as never, 'utf8') };
}

/** One step: a replaced run, an insertion or a removal at some place, or a list of fresh objects. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), count: fc.nat({ max: 5 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('fresh' as const), at: fc.nat({ max: 2_500 }), count: fc.constant(0) }),
  fc.record({ kind: fc.constant('other' as const), at: fc.nat({ max: 1_200 }), count: fc.constant(0) }),
);

test('property: a long list published again and again is written as its JSON, whatever changed since the last time', () => {
  let next = 0;
  fc.assert(
    fc.property(fc.integer({ min: 900, max: 1_400 }), fc.array(step, { maxLength: 12 }), (size, steps) => {
      const uri = `file:///w/config-${next++}.yaml`;
      let list = Array.from({ length: size }, () => diagnostic(next++));
      let version = 1;
      const check = (target: string, diagnostics: readonly Diag[]) => {
        const { message, bytes } = publish(target, version++, diagnostics);
        assert.deepEqual(JSON.parse(bytes.toString('utf8')), message);
      };
      check(uri, list);
      for (const s of steps) {
        const at = list.length === 0 ? 0 : s.at % (list.length + 1);
        const copy = [...list];
        if (s.kind === 'replace') copy.splice(at, s.count, ...Array.from({ length: s.count }, () => diagnostic(next++)));
        else if (s.kind === 'insert') copy.splice(at, 0, ...Array.from({ length: s.count }, () => diagnostic(next++)));
        else if (s.kind === 'remove') copy.splice(at, s.count);
        else if (s.kind === 'fresh') copy.splice(0, copy.length, ...Array.from({ length: s.at }, () => diagnostic(next++)));
        // Another file's list in between leaves this one's as it was.
        else check(`file:///w/other-${next++}.yaml`, Array.from({ length: s.at }, () => diagnostic(next++)));
        list = copy;
        check(uri, list);
      }
    }),
    { numRuns: FULL ? 400 : 40, seed: Number(process.env.TASKLENS_FUZZ_SEED ?? 42) },
  );
});

test('the same objects at both ends are copied, the changed one in the middle is new', () => {
  const list = Array.from({ length: 2_000 }, (_, i) => diagnostic(i));
  publish('file:///w/a.yaml', 1, list);
  const edited = [...list];
  edited[1_000] = { ...diagnostic(1_000), message: 'changed' };
  const { bytes } = publish('file:///w/a.yaml', 2, edited);
  const back = JSON.parse(bytes.toString('utf8')) as { params: { version: number; diagnostics: Diag[] } };
  assert.equal(back.params.version, 2);
  assert.equal(back.params.diagnostics.length, 2_000);
  assert.equal(back.params.diagnostics[1_000].message, 'changed');
  assert.deepEqual(back.params.diagnostics[999], list[999]);
  assert.deepEqual(back.params.diagnostics[1_999], list[1_999]);
});

test('an emptied list is written as an empty list', () => {
  publish('file:///w/b.yaml', 1, Array.from({ length: 1_500 }, (_, i) => diagnostic(i)));
  const { message, bytes } = publish('file:///w/b.yaml', 2, []);
  assert.deepEqual(JSON.parse(bytes.toString('utf8')), message);
});
