// Reading a large LSP message without making its document text one string. The
// default decoder turns the body into one string (two bytes a character when one
// character needs it) and JSON.parse copies the document out of it into another:
// for an 11 MB config, about 46 MB of strings that live until the next full
// collection, on top of the live heap (peak RSS is what a large file costs). Here
// a body of LARGE_BODY bytes or more has its long JSON strings cut out: the rest
// is parsed as usual, and each long string is decoded a block of whole lines at a
// time, straight into the `BlockText` the editor document keeps.
import { Message } from 'vscode-languageserver';
import { BlockText } from './analysis/blockText';

/** Bodies from this size up have their long strings read in blocks. */
const LARGE_BODY = 256 * 1024;
/** A JSON string this long (in bytes, as written) is read in blocks. */
const LONG_STRING = 64 * 1024;
/** About this many bytes a block (as `BlockText` cuts an editor's text: about 4 KB of whole lines). */
const BLOCK_BYTES = 4096;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const N = 0x6e;

/** Where the placeholders of one message stand in for its long strings: never a value a client sends. */
const PLACEHOLDER = `\u0000tasklens-long-string-${process.pid}-${Date.now()}-`;

/** `vscode-jsonrpc`'s content-type decoder, for `StreamMessageReader`'s options. */
export const blockTextJsonDecoder = {
  name: 'application/json',
  decode: (bytes: Uint8Array, options: { charset: string }): Promise<Message> => {
    try {
      return Promise.resolve(decodeMessage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options.charset) as Message);
    } catch (e) {
      return Promise.reject(e);
    }
  },
};

/**
 * The message `body` holds. A document's text (`didOpen`'s, a whole-text
 * `didChange`'s) that is long comes as a `BlockText`; every other value is what
 * JSON.parse makes of it. Anything unexpected takes JSON.parse's own path, which
 * then fails (or not) exactly as the default decoder does.
 */
export function decodeMessage(body: Buffer, charset = 'utf-8'): unknown {
  const plain = () => JSON.parse(body.toString(charset as BufferEncoding));
  if (body.length < LARGE_BODY || !/^utf-?8$/i.test(charset)) return plain();
  try {
    const long = longStrings(body);
    if (long === undefined || long.length === 0) return plain();
    const parts: Buffer[] = [];
    let at = 0;
    long.forEach(([start, end], i) => {
      // (Written as JSON writes it: the placeholder's NUL is an escape in the text.)
      parts.push(body.subarray(at, start), Buffer.from(JSON.stringify(`${PLACEHOLDER}${i}`).slice(1, -1)));
      at = end;
    });
    parts.push(body.subarray(at));
    const message = JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
    return withTexts(message, (i) => blocksOf(body, long[i][0], long[i][1]));
  } catch {
    return plain();
  }
}

/** The byte ranges [start, end) of the contents of `body`'s long string values (not keys); undefined when a string does not end. */
function longStrings(body: Buffer): [number, number][] | undefined {
  const found: [number, number][] = [];
  // Outside a string, the next quote opens one (JSON has no other use for it).
  for (let open = body.indexOf(QUOTE); open >= 0; ) {
    let close = body.indexOf(QUOTE, open + 1);
    while (close >= 0 && escaped(body, close)) close = body.indexOf(QUOTE, close + 1);
    if (close < 0) return undefined;
    const next = body.indexOf(QUOTE, close + 1);
    if (close - open - 1 >= LONG_STRING && !isKey(body, close + 1, next < 0 ? body.length : next)) found.push([open + 1, close]);
    open = next;
  }
  return found;
}

/** Whether a colon comes first in `body[from, to)` (the bytes between a string and the next): the string was a key. */
function isKey(body: Buffer, from: number, to: number): boolean {
  const colon = body.indexOf(0x3a, from);
  return colon >= 0 && colon < to && /^\s*$/.test(body.toString('latin1', from, colon));
}

/** Whether the byte at `at` follows an odd run of backslashes (is escaped). */
function escaped(body: Buffer, at: number): boolean {
  let run = 0;
  while (at - run - 1 >= 0 && body[at - run - 1] === BACKSLASH) run++;
  return run % 2 === 1;
}

/**
 * The JSON string contents `body[start, end)` as a `BlockText`: cut after a `\n`
 * escape about every BLOCK_BYTES (so each block is whole lines, and no cut falls
 * inside an escape or a UTF-8 sequence), each piece decoded by JSON.parse.
 */
function blocksOf(body: Buffer, start: number, end: number): BlockText {
  const blocks: string[] = [];
  let from = start;
  while (from < end) {
    let cut = end;
    for (let p = body.indexOf(N, from + BLOCK_BYTES); p >= 0 && p < end; p = body.indexOf(N, p + 1)) {
      // An `n` after an odd run of backslashes is the escape `\n`.
      if (body[p - 1] === BACKSLASH && escaped(body, p)) {
        cut = p + 1;
        break;
      }
    }
    // (The rest is short: one block.)
    if (end - cut < BLOCK_BYTES / 4) cut = end;
    blocks.push(JSON.parse(`"${body.toString('utf8', from, cut)}"`) as string);
    from = cut;
  }
  return BlockText.ofBlocks(blocks);
}

/**
 * `message` with its placeholders replaced: a document's text by the `BlockText`
 * `text(i)` reads, any other long string by that text as one string.
 */
function withTexts(message: unknown, text: (i: number) => BlockText): unknown {
  const index = (value: unknown): number => (typeof value === 'string' && value.startsWith(PLACEHOLDER) ? Number(value.slice(PLACEHOLDER.length)) : -1);
  const documentTexts = new Set<object>();
  if (isObject(message) && isObject(message.params)) {
    const params = message.params;
    if (message.method === 'textDocument/didOpen' && isObject(params.textDocument)) documentTexts.add(params.textDocument);
    if (message.method === 'textDocument/didChange' && Array.isArray(params.contentChanges)) {
      for (const change of params.contentChanges) if (isObject(change) && !('range' in change)) documentTexts.add(change);
    }
  }
  const visit = (value: unknown): unknown => {
    const i = index(value);
    if (i >= 0) return String(text(i));
    if (Array.isArray(value)) value.forEach((item, k) => (value[k] = visit(item)));
    else if (isObject(value)) {
      for (const key of Object.keys(value)) {
        const at = key === 'text' && documentTexts.has(value) ? index(value[key]) : -1;
        value[key] = at >= 0 ? text(at) : visit(value[key]);
      }
    }
    return value;
  };
  return visit(message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
