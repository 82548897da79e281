// Did-you-mean: the neighbour suggester (names sharing a module or a function)
// answers what one search over both groups answers, for any names.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { didYouMean, NeighbourSuggester } from '../../server/src/resolver';

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
