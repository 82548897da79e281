// BlockText (an editor's text in blocks of whole lines) reads as the string it
// stands for after any edits: characters, slices, lines and positions, whatever
// the line ends (\n, \r\n, lone \r) and the block size; versions it was edited
// from stay as they were.
import { afterEach, test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BlockText, ownCopy, useBlockSize } from '../../server/src/analysis/blockText';
import { LineIndex } from '../../server/src/analysis/lineIndex';

const FULL = process.env.TASKLENS_FUZZ_FULL === '1';
const part = fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r', 'x\ny', '\r\r', '\n\n', '💥', 'key: value\n', 'é');
const text = fc.array(part, { maxLength: 60 }).map((parts) => parts.join(''));
const edit = fc.record({ a: fc.nat(), b: fc.nat(), inserted: text });

afterEach(() => useBlockSize(4096));

/** Everything a reader can ask of `blocks`, checked against `expected` and a line index of it. */
function assertReadsAs(blocks: BlockText, expected: string, context: string): void {
  const index = new LineIndex(expected);
  const wrapped = new LineIndex(blocks);
  assert.equal(blocks.length, expected.length, context);
  assert.equal(String(blocks), expected, context);
  for (let i = -1; i <= expected.length; i++) assert.equal(blocks.charCodeAt(i), expected.charCodeAt(i), `${context} charCodeAt(${i})`);
  for (let a = 0; a <= expected.length; a += 3) {
    for (let b = a; b <= expected.length + 1; b += 5) assert.equal(blocks.slice(a, b), expected.slice(a, b), `${context} slice(${a}, ${b})`);
  }
  assert.equal(blocks.slice(-3), expected.slice(-3), context);
  assert.equal(wrapped.lineCount, index.lineCount, `${context} lineCount`);
  for (let l = -1; l <= index.lineCount; l++) {
    assert.equal(wrapped.lineStart(l), index.lineStart(l), `${context} lineStart(${l})`);
    assert.equal(wrapped.lineEnd(l), index.lineEnd(l), `${context} lineEnd(${l})`);
    assert.equal(wrapped.lineText(l), index.lineText(l), `${context} lineText(${l})`);
    for (const character of [0, 1, 4, 1000]) assert.equal(wrapped.offsetAt({ line: l, character }), index.offsetAt({ line: l, character }), `${context} offsetAt(${l}, ${character})`);
  }
  for (let o = -1; o <= expected.length + 1; o++) assert.deepEqual(wrapped.positionAt(o), index.positionAt(o), `${context} positionAt(${o})`);
}

function property(blockSize: number, runs: number): void {
  fc.assert(
    fc.property(text, fc.array(edit, { maxLength: 8 }), (initial, edits) => {
      useBlockSize(blockSize);
      let expected = initial;
      let blocks = BlockText.of(initial);
      const versions: [BlockText, string][] = [[blocks, expected]];
      assertReadsAs(blocks, expected, JSON.stringify({ initial }));
      for (const { a, b, inserted } of edits) {
        const start = a % (expected.length + 1);
        const end = start + (b % (expected.length - start + 1));
        const next = expected.slice(0, start) + inserted + expected.slice(end);
        const before = new LineIndex(expected);
        const after = blocks.edited(start, end, inserted);
        const context = JSON.stringify({ expected, start, end, inserted });
        assertReadsAs(after, next, context);
        // The same token promises the same line starts.
        if (after.linesToken === blocks.linesToken) {
          const now = new LineIndex(next);
          assert.equal(now.lineCount, before.lineCount, context);
          for (let l = 0; l < now.lineCount; l++) assert.equal(now.lineStart(l), before.lineStart(l), context);
        }
        blocks = after;
        expected = next;
        versions.push([blocks, expected]);
      }
      // Editing made new versions: the old ones are untouched.
      for (const [version, was] of versions) assert.equal(String(version), was);
    }),
    { numRuns: runs },
  );
}

test('property: edited blocks read as the edited string (blocks of 4 characters)', () => property(4, FULL ? 3000 : 300));
test('property: edited blocks read as the edited string (blocks of 16 characters)', () => property(16, FULL ? 3000 : 300));
test('property: edited blocks read as the edited string (one block)', () => property(4096, FULL ? 1000 : 100));

test('typing in the middle of a large text (default blocks, a two-byte character) reads as the string', () => {
  const line = 'max_retries: 3   # a comment — with a two-byte character\n';
  const big = line.repeat(20_000);
  let blocks = BlockText.of(big);
  let expected = big;
  const at = big.length / 2;
  for (let i = 0; i < 50; i++) {
    blocks = blocks.edited(at + i, at + i, i % 10 === 9 ? '\n' : 'x');
    expected = expected.slice(0, at + i) + (i % 10 === 9 ? '\n' : 'x') + expected.slice(at + i);
  }
  for (let i = 0; i < 20; i++) blocks = blocks.edited(at + 30 - i, at + 31 - i, '');
  expected = expected.slice(0, at + 11) + expected.slice(at + 31);
  assert.equal(String(blocks), expected);
  const index = new LineIndex(expected);
  const wrapped = new LineIndex(blocks);
  assert.equal(wrapped.lineCount, index.lineCount);
  for (let l = 0; l < index.lineCount; l += 97) assert.equal(wrapped.lineStart(l), index.lineStart(l));
  for (let o = at - 200; o < at + 200; o++) assert.deepEqual(wrapped.positionAt(o), index.positionAt(o));
});

test('ownCopy gives an equal string, lone surrogates and all, and BlockText.of reads as its text', () => {
  for (const s of ['', 'ascii only', 'café', 'dash — and 💥', 'lone \ud800 surrogate', 'x'.repeat(10_000)]) assert.equal(ownCopy(s), s);
  const big = 'key: value\n'.repeat(2000) + 'note: — done\n';
  const text = BlockText.of(big);
  assert.equal(String(text), big);
  assert.equal(text.slice(5, 30), big.slice(5, 30));
});
