// The resolver vectors and how a resolution is compared with a case's
// expectation. The vectors live in ../shared/vectors; the repository carries a
// byte-identical copy in test/vectors, so a clone with nothing beside it tests
// the same cases (vectors.test.ts checks that the copy has not drifted).
// A plain module, so the unit and end-to-end tests can both use it without
// running each other's tests.
import * as fs from 'fs';
import * as path from 'path';
import { FIELD_NAMES, Scenario, TaskResolution } from '../../server/src/resolver';
import { REPO_ROOT, SHARED_DIR } from '../paths';

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

/** The repository's copy of the vectors, which every test reads. */
export const VENDORED_VECTORS_DIR = path.join(REPO_ROOT, 'test', 'vectors');
/** Where the copy comes from; present beside the repository in the project's own checkouts and CI. */
export const SHARED_VECTORS_DIR = path.join(SHARED_DIR, 'vectors');
/** The files that make up the vectors, copied together. */
export const VECTOR_FILES = ['resolver.json', 'README.md'] as const;

export function loadVectors(): VectorCase[] {
  const file = path.join(VENDORED_VECTORS_DIR, 'resolver.json');
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
