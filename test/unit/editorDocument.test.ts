// The server's open documents (server/src/editorDocument.ts) take LSP's changes as
// vscode-languageserver-textdocument does — several changes in one notification,
// each on the text the one before left, ranges in any order, whole replacements —
// and say what changed as one edit that turns the old text into the new one.
import { afterEach, test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { EditorDocument } from '../../server/src/editorDocument';
import { useBlockSize } from '../../server/src/analysis/blockText';

const FULL = process.env.TASKLENS_FUZZ_FULL === '1';
const part = fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r', 'key: 1\n', '💥', 'é');
const text = fc.array(part, { maxLength: 40 }).map((parts) => parts.join(''));
const change = fc.oneof(
  { weight: 9, arbitrary: fc.record({ l1: fc.nat(12), c1: fc.nat(12), l2: fc.nat(12), c2: fc.nat(12), text }) },
  { weight: 1, arbitrary: fc.record({ text }) },
);

afterEach(() => useBlockSize(4096));

test('property: changes apply as the reference TextDocument applies them, and the edit says what changed', () => {
  fc.assert(
    fc.property(text, fc.array(fc.array(change, { minLength: 1, maxLength: 4 }), { maxLength: 5 }), fc.constantFrom(4, 16, 4096), (initial, updates, blockSize) => {
      useBlockSize(blockSize);
      let mine = EditorDocument.create('file:///c.yaml', 'yaml', 1, initial);
      let reference = TextDocument.create('file:///c.yaml', 'yaml', 1, initial);
      for (const [i, changes] of updates.entries()) {
        // Each change on lines that exist when it applies (the reference miscounts lines past the end).
        const events = [];
        for (const c of changes) {
          const lines = reference.lineCount;
          const event = 'l1' in c ? { range: { start: { line: c.l1 % lines, character: c.c1 }, end: { line: c.l2 % lines, character: c.c2 } }, text: c.text } : { text: c.text };
          reference = TextDocument.update(reference, [event], i + 2);
          events.push(event);
        }
        const before = mine.getText();
        mine = EditorDocument.update(mine, events, i + 2);
        const after = reference.getText();
        const context = JSON.stringify({ before, events });
        assert.equal(mine.getText(), after, context);
        assert.equal(mine.version, i + 2);
        assert.equal(mine.lineCount, reference.lineCount, context);
        for (let o = 0; o <= after.length; o++) assert.deepEqual(mine.positionAt(o), reference.positionAt(o), `${context} positionAt(${o})`);
        for (let line = 0; line <= reference.lineCount; line++) {
          for (const character of [0, 2, 50]) assert.equal(mine.offsetAt({ line, character }), reference.offsetAt({ line, character }), `${context} offsetAt(${line}, ${character})`);
        }
        const edit = mine.lastEdit;
        if (events.some((e) => !('range' in e))) assert.equal(edit, undefined, context);
        else {
          assert.ok(edit, context);
          assert.equal(before.slice(0, edit.start) + after.slice(edit.start, edit.newEnd) + before.slice(edit.oldEnd), after, `${context} edit ${JSON.stringify(edit)}`);
          assert.equal(before.length - edit.oldEnd, after.length - edit.newEnd, context);
        }
      }
    }),
    { numRuns: FULL ? 2000 : 200 },
  );
});
