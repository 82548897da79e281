// A diagnostic is given back for the same problem object (the server keeps its
// JSON), and never for a copy: a problem moved with a spread carries new offsets
// in its fix data even where its range reads the same (issue 9's differential).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { keptDiagnostic, Problem } from '../../server/src/features/problems';

test('the same problem at the same place gives the same diagnostic; a spread copy with moved fix data gives its own', () => {
  const text = 'task:\n  a.b:\n    retries: 1\n';
  const lines = new LineIndex(text);
  const problem: Problem = { code: 'TL002', severity: 'error', message: "Unknown field 'retries'", start: 18, end: 25, data: { removeStart: 18, removeEnd: 28 } };
  const first = keptDiagnostic(problem, lines);
  assert.equal(keptDiagnostic(problem, lines), first);
  assert.equal(keptDiagnostic(problem, lines.edited(text, { start: 0, oldEnd: 0, newEnd: 0 })), first);
  const moved: Problem = { ...problem, data: { removeStart: 19, removeEnd: 29 } };
  const again = keptDiagnostic(moved, lines);
  assert.notEqual(again, first);
  assert.deepEqual(again.data, { code: 'TL002', removeStart: 19, removeEnd: 29 });
  assert.deepEqual(again.range, first.range);
});
