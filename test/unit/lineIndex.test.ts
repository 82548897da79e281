// LineIndex.edited (only the edited lines are scanned) gives the lines a fresh
// index of the new text gives, whatever the line ends (\n, \r\n, lone \r).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex } from '../../server/src/analysis/lineIndex';

const FULL = process.env.TASKLENS_FUZZ_FULL === '1';
const piece = fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r', 'x\ny', '\r\r', '\n\n', '💥');
const text = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));

function lines(index: LineIndex, text: string): number[] {
  const out: number[] = [];
  for (let l = 0; l < index.lineCount; l++) out.push(index.lineStart(l));
  for (let o = 0; o <= text.length; o++) {
    const p = index.positionAt(o);
    out.push(p.line * 1000 + p.character);
  }
  return out;
}

test('property: an edited index equals a fresh index of the new text', () => {
  fc.assert(
    fc.property(text, fc.nat(), fc.nat(), text, (before, a, b, inserted) => {
      const start = a % (before.length + 1);
      const oldEnd = start + (b % (before.length - start + 1));
      const after = before.slice(0, start) + inserted + before.slice(oldEnd);
      const edited = new LineIndex(before).edited(after, { start, oldEnd, newEnd: start + inserted.length });
      assert.deepEqual(lines(edited, after), lines(new LineIndex(after), after), JSON.stringify({ before, start, oldEnd, inserted }));
    }),
    { numRuns: FULL ? 20_000 : 1_000, seed: Number(process.env.TASKLENS_FUZZ_SEED ?? 7) },
  );
});
