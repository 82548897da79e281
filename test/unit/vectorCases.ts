// The shared resolver vectors (../shared/vectors/resolver.json) and how a
// resolution is compared with a case's expectation. A plain module, so the
// unit and end-to-end tests can both use it without running each other's tests.
import * as fs from 'fs';
import * as path from 'path';
import { FIELD_NAMES, Scenario, TaskResolution } from '../../server/src/resolver';
import { SHARED_DIR } from '../paths';

export interface Expected {
  value?: unknown;
  error?: boolean;
  referenceMessage?: string;
  source?: { kind: string; key?: string };
}
export interface VectorCase extends Scenario {
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
