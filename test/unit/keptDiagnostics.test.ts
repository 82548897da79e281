// A diagnostic is given back for the same problem object (the server keeps its
// JSON), and never for a copy: a problem moved with a spread carries new offsets
// in its fix data even where its range reads the same (issue 9's differential).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { keptDiagnostic, movedProblem, Problem } from '../../server/src/features/problems';

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

test('a moved problem keeps its diagnostic where its line and column stay, and only if its fix holds no offsets', () => {
  const before = 'task:\n  a.b:\n    max_retries: 1\n  c.d:\n    retry_for: [X]\n';
  const after = 'task:\n  a.b:\n    max_retries: 12\n  c.d:\n    retry_for: [X]\n';
  const at = before.indexOf('[X]');
  const named: Problem = { code: 'TL005', severity: 'error', message: "'X' is not qualified", start: at + 1, end: at + 2, data: { alternatives: [] } };
  const removal: Problem = { code: 'TL002', severity: 'error', message: 'Unknown', start: at, end: at + 3, data: { removeStart: at - 4, removeEnd: at + 4 } };
  const lines = new LineIndex(before);
  const [first, firstRemoval] = [keptDiagnostic(named, lines), keptDiagnostic(removal, lines)];
  // One character typed on a line above: the problems move by one, their line and column do not.
  const typed = lines.edited(after, { start: before.indexOf('1'), oldEnd: before.indexOf('1'), newEnd: before.indexOf('1') + 1 });
  assert.equal(keptDiagnostic(movedProblem(named, 1), typed), first);
  const movedRemoval = keptDiagnostic(movedProblem(removal, 1), typed);
  assert.notEqual(movedRemoval, firstRemoval);
  assert.deepEqual(movedRemoval.data, { code: 'TL002', removeStart: at - 3, removeEnd: at + 5 });
  // A line typed above: the same problem moves down a line and gets a diagnostic of its own.
  const newline = lines.edited(`task:\n\n${before.slice(6)}`, { start: 6, oldEnd: 6, newEnd: 7 });
  const down = keptDiagnostic(movedProblem(named, 1), newline);
  assert.notEqual(down, first);
  assert.equal(down.range.start.line, first.range.start.line + 1);
});
