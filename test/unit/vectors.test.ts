// Every case of the resolver vectors (test/vectors/resolver.json, a copy of
// ../shared/vectors), computed by the reference implementation, through the
// library; and the copy checked against its origin when that is beside us.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { resolveScenario } from '../../server/src/resolver';
import { loadVectors, mismatches, SHARED_VECTORS_DIR, VECTOR_FILES, VENDORED_VECTORS_DIR } from './vectorCases';

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

const sharedMissing = fs.existsSync(SHARED_VECTORS_DIR)
  ? false
  : `no ${SHARED_VECTORS_DIR} beside the repository, so the copy in test/vectors cannot be compared with it`;

test('test/vectors is a byte-identical copy of ../shared/vectors', { skip: sharedMissing }, () => {
  for (const name of VECTOR_FILES) {
    const copy = fs.readFileSync(path.join(VENDORED_VECTORS_DIR, name));
    const origin = fs.readFileSync(path.join(SHARED_VECTORS_DIR, name));
    assert.ok(copy.equals(origin), `test/vectors/${name} differs from ${path.join(SHARED_VECTORS_DIR, name)}: copy it again (cp ${path.join(SHARED_VECTORS_DIR, name)} test/vectors/)`);
  }
  const extra = fs.readdirSync(SHARED_VECTORS_DIR).filter((name) => !(VECTOR_FILES as readonly string[]).includes(name));
  assert.deepEqual(extra, [], 'every file of ../shared/vectors is copied to test/vectors');
});
