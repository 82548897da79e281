// The server's message decoder reads a large message as JSON.parse does, except
// that a document's long text comes as a BlockText of whole lines: the same
// characters (escapes, non-Latin-1, surrogate pairs, every line end), the same
// lines; every other long string stays a string; what JSON.parse refuses, it refuses.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BlockText } from '../../server/src/analysis/blockText';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { decodeMessage } from '../../server/src/messageDecoder';

const FULL = process.env.TASKLENS_FUZZ_FULL === '1';

const body = (message: unknown) => Buffer.from(JSON.stringify(message), 'utf8');

/** A config text of about `size` characters with everything JSON must escape in it. */
function configText(size: number): string {
  const lines = ['task:', '  "quoted \\"key\\"": 1', '  path: C:\\\\tasks\\\\n', '  tab:\there', '  crlf: yes\r', '  lone: cr\rnext: line', '  uni: é 💥 日本', '  nul: \u0000 \u001f', '  # comment'];
  let out = '';
  for (let i = 0; out.length < size; i++) out += `${lines[i % lines.length]} ${i}\n`;
  return out;
}

function assertSameText(got: unknown, expected: string): void {
  assert.ok(got instanceof BlockText, 'a BlockText');
  // (Counted first: joining it for the comparison keeps the joined string as its one block.)
  let blocks = 0;
  got.someBlock(() => (blocks++, false));
  assert.ok(blocks >= expected.length / 8192, `${blocks} blocks`);
  assert.equal(String(got), expected);
  const lines = new LineIndex(expected);
  const blockLines = new LineIndex(got);
  assert.equal(blockLines.lineCount, lines.lineCount);
  for (let l = 0; l < lines.lineCount; l += 97) assert.equal(blockLines.lineText(l), lines.lineText(l));
}

test('a large didOpen: the text is a BlockText of several blocks, equal to the text sent; the rest is as JSON.parse reads it', () => {
  const text = configText(400_000);
  const message = { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///w/config.yaml', languageId: 'yaml', version: 3, text } } };
  const decoded = decodeMessage(body(message)) as typeof message;
  assertSameText(decoded.params.textDocument.text, text);
  assert.ok((decoded.params.textDocument.text as unknown as BlockText).slice(0, 100_000) === text.slice(0, 100_000));
  assert.deepEqual({ ...decoded.params.textDocument, text: undefined }, { ...message.params.textDocument, text: undefined });
  assert.equal(decoded.method, 'textDocument/didOpen');
});

test('a whole-text didChange: its text is a BlockText; a ranged change and any other long string stay strings', () => {
  const text = configText(300_000);
  const long = 'x'.repeat(70_000);
  const message = {
    jsonrpc: '2.0',
    method: 'textDocument/didChange',
    params: { textDocument: { uri: 'file:///w/a.yaml', version: 9 }, contentChanges: [{ text }, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: long }], note: [long, { deep: long }] },
  };
  const decoded = decodeMessage(body(message)) as { params: { contentChanges: { text: unknown }[]; note: unknown[] } };
  assertSameText(decoded.params.contentChanges[0].text, text);
  assert.equal(decoded.params.contentChanges[1].text, long);
  assert.deepEqual(decoded.params.note, [long, { deep: long }]);
});

test('a long key, and a long text in any other message, are plain strings', () => {
  const key = 'k'.repeat(80_000);
  const text = configText(300_000);
  const message = { jsonrpc: '2.0', id: 4, method: 'workspace/somethingElse', params: { [key]: 1, textDocument: { text } } };
  assert.deepEqual(decodeMessage(body(message)), message);
});

test('what JSON.parse refuses is refused, with its error', () => {
  const good = body({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'u', text: configText(300_000) } } });
  for (const bad of [good.subarray(0, good.length - 3), Buffer.concat([good, Buffer.from('x')]), Buffer.from(good.toString('latin1').replace('task:', 'task:\\q'), 'latin1')]) {
    let expected: unknown;
    try {
      JSON.parse(bad.toString('utf8'));
    } catch (e) {
      expected = e;
    }
    assert.ok(expected instanceof SyntaxError);
    assert.throws(() => decodeMessage(bad), (e: unknown) => e instanceof SyntaxError && e.message === (expected as Error).message);
  }
});

test('a small message is JSON.parse of it', () => {
  const message = { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'u', text: 'a: 1\n' } } };
  assert.deepEqual(decodeMessage(body(message)), message);
});

test('property: any large text reads back the same (escapes, surrogates, line ends, long lines)', () => {
  const piece = fc.constantFrom('a', 'key: value', '\n', '\r\n', '\r', '"', '\\', '\\n', '\\\\n', '💥', 'é', '\u0000', '\t', '\ud800', 'n', '\\"');
  fc.assert(
    fc.property(fc.array(piece, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 3000 }), (pieces, repeat) => {
      const unit = pieces.join('');
      const text = unit.repeat(Math.ceil(300_000 / Math.max(1, unit.length) / Math.max(1, repeat / 100))).slice(0, 300_000 + repeat);
      const decoded = decodeMessage(body({ method: 'textDocument/didOpen', params: { textDocument: { text } } })) as { params: { textDocument: { text: unknown } } };
      assert.equal(String(decoded.params.textDocument.text), text);
      assert.equal(new LineIndex(decoded.params.textDocument.text as BlockText).lineCount, new LineIndex(text).lineCount);
    }),
    { numRuns: FULL ? 200 : 15 },
  );
});
