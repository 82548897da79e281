// Every case of ../shared/vectors/resolver.json, computed by the reference
// implementation, through the library.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { FIELD_NAMES, resolveScenario, Scenario, TaskResolution } from '../../server/src/resolver';
import { SHARED_DIR } from '../paths';

interface Expected {
  value?: unknown;
  error?: boolean;
  referenceMessage?: string;
  source?: { kind: string; key?: string };
}
interface VectorCase extends Scenario {
  id: string;
  expected: Record<string, Expected>;
}

export function loadVectors(): VectorCase[] {
  const file = path.join(SHARED_DIR, 'vectors', 'resolver.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: VectorCase[] }).cases;
}

/** The mismatches between a resolution and a case's expectation, one line each. */
export function mismatches(testCase: VectorCase, got: TaskResolution): string[] {
  const problems: string[] = [];
  for (const field of FIELD_NAMES) {
    const want = testCase.expected[field];
    const have = got.fields[field];
    if (want.error) {
      if (have.error === undefined || have.value !== undefined) problems.push(`${field}: expected an error, got ${JSON.stringify(have.value)}`);
    } else {
      if (have.error !== undefined) problems.push(`${field}: unexpected error ${have.error}`);
      else if (JSON.stringify(have.value) !== JSON.stringify(want.value)) problems.push(`${field}: expected ${JSON.stringify(want.value)}, got ${JSON.stringify(have.value)}`);
    }
    if (want.source !== undefined) {
      if (have.source.kind !== want.source.kind) problems.push(`${field}: source ${have.source.kind}, expected ${want.source.kind}`);
      if (want.source.key !== undefined && have.source.key !== want.source.key) problems.push(`${field}: env key ${have.source.key}, expected ${want.source.key}`);
    }
  }
  return problems;
}

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
