// Did-you-mean: the neighbour suggester (names sharing a module or a function)
// answers what one search over both groups answers, for any names.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { didYouMean, editDistance, editDistanceWithin, NeighbourSuggester } from '../../server/src/resolver';

const FULL = process.env.TASKLENS_FUZZ_FULL === '1';

const part = fc.constantFrom('src.tasks.email', 'src.tasks.emails', 'src.tasks.billing', 'app.jobs', 'a', 'src.tasks.e_mail', 'src.Tasks.email');
const func = fc.constantFrom('sendEmail', 'send_email', 'sendEmails', 'chargeCard', 'charge', 'refund', 'refunds', 'sendMail', 'x');
const id = fc.tuple(part, func).map(([m, f]) => `${m}.${f}`);

function splitLast(name: string): [string, string] {
  const at = name.lastIndexOf('.');
  return at < 0 ? ['', name] : [name.slice(0, at), name.slice(at + 1)];
}

test('property: the neighbour suggester gives what one search over the module and function groups gives', () => {
  fc.assert(
    fc.property(fc.array(id, { maxLength: 30 }), id, (names, asked) => {
      const [head, tail] = splitLast(asked);
      const neighbours = [...new Set(names.filter((n) => splitLast(n)[0] === head || splitLast(n)[1] === tail))].sort();
      assert.equal(new NeighbourSuggester(names, '.').suggest(asked), neighbours.length > 0 ? didYouMean(asked, neighbours) : undefined);
    }),
    { numRuns: FULL ? 5_000 : 300, seed: Number(process.env.TASKLENS_FUZZ_SEED ?? 42) },
  );
});

test('a typo in the function finds the task of that module; a typo in the module finds the task of that function', () => {
  const s = new NeighbourSuggester(['src.tasks.email.sendEmail', 'src.tasks.billing.chargeCard', 'app.jobs.chargeCard'], '.');
  assert.equal(s.suggest('src.tasks.email.sendEmial'), 'src.tasks.email.sendEmail');
  assert.equal(s.suggest('src.tasks.biling.chargeCard'), 'src.tasks.billing.chargeCard');
  assert.equal(s.suggest('other.place.nothing'), undefined);
});

test('property: did-you-mean is the nearest name by edit distance (case and separators aside), within a third of the name, the first of equals', () => {
  const word = fc.stringMatching(/^[a-dA-D_]{0,9}$/);
  // Up to 40 names are each compared; from 64 on they are searched through their bigrams: both sizes.
  const names = fc.oneof(fc.array(word, { maxLength: 40 }), fc.array(word, { minLength: 64, maxLength: 160 }));
  fc.assert(
    fc.property(names, word, (names, asked) => {
      const norm = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');
      const target = norm(asked);
      const limit = target.length >= 6 ? Math.max(3, Math.floor(target.length / 3)) : 2;
      let best: string | undefined;
      let bestScore = limit + 1;
      for (const name of names) {
        if (name === asked) continue;
        const score = editDistance(target, norm(name));
        if (score < bestScore) [best, bestScore] = [name, score];
      }
      assert.equal(didYouMean(asked, names), best);
    }),
    { numRuns: FULL ? 20_000 : 1_000, seed: Number(process.env.TASKLENS_FUZZ_SEED ?? 42) },
  );
});

test('property: the edit distance (bit-parallel up to 32 units, banded beyond) is the Levenshtein distance, or max + 1 beyond max', () => {
  const levenshtein = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    return d[a.length][b.length];
  };
  // Short texts, and texts about the 32 units one word of bits holds (with non-ASCII and surrogate halves).
  const unit = fc.constantFrom('a', 'b', 'c', '.', 'é', '\uD83D', '\uDE00');
  const text = fc.oneof(fc.stringMatching(/^[abc.]{0,14}$/), fc.array(unit, { minLength: 24, maxLength: 44 }).map((units) => units.join('')));
  fc.assert(
    fc.property(text, text, fc.nat({ max: 40 }), (a, b, max) => {
      const exact = levenshtein(a, b);
      assert.equal(editDistance(a, b), exact);
      assert.equal(editDistanceWithin(a, b, max), Math.min(exact, max + 1));
    }),
    { numRuns: FULL ? 50_000 : 3_000, seed: Number(process.env.TASKLENS_FUZZ_SEED ?? 42) },
  );
});
