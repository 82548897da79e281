// `.env` files (SPEC §5 "Env sources"). Common parsers reject `#` in keys, and
// per-task keys contain one, so this reader is ours.

export interface EnvEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based line. */
  readonly line: number;
  /** 0-based offsets of the key and of the value text (quotes included) in the file. */
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** How the value was written. */
  readonly quote: '"' | "'" | '';
}

export function parseDotEnv(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  // Lines end at `\n`, `\r\n` or a lone `\r`, as LSP (and python-dotenv) count them.
  const ends = /\r\n?|\n/g;
  let lineStart = 0;
  for (let index = 0; lineStart <= text.length; index++) {
    ends.lastIndex = lineStart;
    const end = ends.exec(text);
    const line = text.slice(lineStart, end ? end.index : text.length);
    const start = lineStart;
    lineStart = end ? end.index + end[0].length : text.length + 1;
    readLine(line, start, index, entries);
  }
  return entries;
}

function readLine(line: string, lineStart: number, index: number, entries: EnvEntry[]): void {
  const trimmed = line.trimStart();
  if (trimmed === '' || trimmed.startsWith('#')) return;
  let body = line;
  let bodyStart = lineStart;
  const exported = /^\s*export\s+/.exec(body);
  if (exported) {
    body = body.slice(exported[0].length);
    bodyStart += exported[0].length;
  }
  const eq = body.indexOf('=');
  if (eq < 0) return;
  const rawKey = body.slice(0, eq);
  const key = rawKey.trim();
  if (key === '') return;
  const keyStart = bodyStart + rawKey.indexOf(key);
  const rest = body.slice(eq + 1);
  // An unquoted value ends at ` #`, so `KEY= # note` is empty.
  if (/^[ \t]+#/.test(rest)) {
    const valueStart = bodyStart + eq + 1;
    entries.push({ key, value: '', line: index + 1, keyStart, keyEnd: keyStart + key.length, valueStart, valueEnd: valueStart, quote: '' });
    return;
  }
  const leading = rest.length - rest.trimStart().length;
  const valueText = rest.slice(leading);
  const valueStart = bodyStart + eq + 1 + leading;
  const { value, length, quote } = readValue(valueText);
  entries.push({ key, value, line: index + 1, keyStart, keyEnd: keyStart + key.length, valueStart, valueEnd: valueStart + length, quote });
}

function readValue(text: string): { value: string; length: number; quote: '"' | "'" | '' } {
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const close = findClosingQuote(text, quote);
    if (close > 0) {
      const inner = text.slice(1, close);
      const value = quote === '"' ? inner.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c)) : inner;
      return { value, length: close + 1, quote };
    }
  }
  const comment = text.search(/\s#/);
  const value = (comment >= 0 ? text.slice(0, comment) : text).trimEnd();
  return { value, length: value.length, quote: '' };
}

function findClosingQuote(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

/** Where an env var's value came from, for provenance. */
export interface EnvOrigin {
  readonly file?: string;
  readonly line?: number;
  /** `setting` for `tasklens.env`, `cli` for `--env`, `process` for the process env. */
  readonly via: 'file' | 'setting' | 'cli' | 'process' | 'scenario';
}

export interface EnvValue {
  readonly value: string;
  readonly origin: EnvOrigin;
  /** The same variable in weaker sources, strongest first: set there, but beaten by this one. */
  readonly shadowed?: readonly EnvValue[];
}

/** The merged environment the resolver reads. */
export type Environment = ReadonlyMap<string, EnvValue>;

export interface EnvLayer {
  readonly vars: Iterable<readonly [string, string]> | Iterable<EnvEntry>;
  readonly origin: Omit<EnvOrigin, 'line'>;
}

/**
 * Merges env sources, strongest first: a variable already set is not overwritten
 * (so an earlier `.env` file wins over a later one).
 */
export function mergeEnvironment(layers: readonly EnvLayer[]): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>();
  for (const layer of layers) {
    // Inside one layer a later line wins, as in any `.env` reader.
    const own = new Map<string, EnvValue>();
    // Entries of one file share one origin per line; pairs (settings, `--env`, the process) one for all.
    const pairOrigin: EnvOrigin = { ...layer.origin, line: undefined };
    for (const item of layer.vars) {
      if (Array.isArray(item)) own.set(item[0], { value: item[1], origin: pairOrigin });
      else {
        const entry = item as EnvEntry;
        own.set(entry.key, { value: entry.value, origin: { via: layer.origin.via, file: layer.origin.file, line: entry.line } });
      }
    }
    own.forEach((value, key) => {
      const stronger = env.get(key);
      if (stronger === undefined) env.set(key, value);
      else env.set(key, { ...stronger, shadowed: [...(stronger.shadowed ?? []), value] });
    });
  }
  return env;
}
