// Every case of ../shared/vectors/resolver.json, computed by the reference
// implementation, through the library.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { resolveScenario } from '../../server/src/resolver';
import { loadVectors, mismatches } from './vectorCases';

export { loadVectors, mismatches } from './vectorCases';

test('every reference vector resolves as the reference implementation did', () => {
  const cases = loadVectors();
  const failures: string[] = [];
  for (const testCase of cases) {
    const problems = mismatches(testCase, resolveScenario(testCase));
    if (problems.length > 0) failures.push(`${testCase.id}:\n    ${problems.join('\n    ')}`);
  }
  console.log(`resolver vectors: ${cases.length - failures.length} of ${cases.length} pass`);
  assert.equal(cases.length, 194);
  assert.deepEqual(failures, []);
});

test('the vector check notices a wrong value, a wrong source and a missing error', () => {
  const testCase = loadVectors().find((c) => c.id === 'conv-enum-yaml-KEYS');
  assert.ok(testCase);
  const got = resolveScenario(testCase);
  assert.deepEqual(mismatches(testCase, got), []);
  const wrong = structuredClone(testCase);
  wrong.expected.max_retries = { value: 1, source: { kind: 'env', key: 'PYNENC__MAX_RETRIES' } };
  wrong.expected.registration_concurrency = { value: 'keys', source: { kind: 'config_file' } };
  assert.equal(mismatches(wrong, got).length, 4);
});
