// internStrings (the strings of the indexing child's records made one per value)
// keeps every value as it was.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fitted, internStrings } from '../../server/src/analysis/intern';

test('internStrings keeps the values and makes equal strings one, in Maps and Sets too', () => {
  const table = new Map<string, string>();
  const a = internStrings(table, { name: 'Type' + 'Error'.slice(0), list: ['Type' + 'Error'], m: new Map([['k', { v: 'x' }]]), s: new Set(['y']) });
  const b = internStrings(table, { name: ['Type', 'Error'].join('') });
  assert.deepEqual(a, { name: 'TypeError', list: ['TypeError'], m: new Map([['k', { v: 'x' }]]), s: new Set(['y']) });
  assert.equal(b.name, 'TypeError');
  assert.equal(table.size, 4);
});

test('fitted is an equal array of its own (the pushed one may be changed after)', () => {
  const pushed: number[] = [];
  pushed.push(1, 2, 3);
  const kept = fitted(pushed);
  assert.deepEqual(kept, [1, 2, 3]);
  pushed.push(4);
  assert.deepEqual(kept, [1, 2, 3]);
});
