// The value tree every config source is read into. Each node may carry where it
// was written (1-based line, 0-based offsets), so provenance is data.

export interface Loc {
  /** 1-based line. */
  readonly line: number;
  /** 0-based offsets into the file text, when known. */
  readonly start?: number;
  readonly end?: number;
}

export type ConfigNode =
  | { readonly type: 'null'; readonly loc?: Loc }
  | { readonly type: 'bool'; readonly value: boolean; readonly loc?: Loc }
  | { readonly type: 'int'; readonly value: number; readonly loc?: Loc }
  | { readonly type: 'float'; readonly value: number; readonly loc?: Loc }
  | { readonly type: 'string'; readonly value: string; readonly loc?: Loc }
  | { readonly type: 'list'; readonly items: readonly ConfigNode[]; readonly loc?: Loc }
  | MapNode
  /** A value that exists but is not known statically (a computed `task()` option). */
  | { readonly type: 'computed'; readonly text: string; readonly loc?: Loc };

export interface MapEntry {
  readonly key: string;
  readonly keyLoc?: Loc;
  readonly value: ConfigNode;
}

export interface MapNode {
  readonly type: 'map';
  /** In document order; a repeated key appears once, with its last value. */
  readonly entries: readonly MapEntry[];
  readonly loc?: Loc;
  /** A lookup by key its builder already has (large mappings kept across edits). */
  readonly lookup?: (key: string) => MapEntry | undefined;
}

export function mapNode(entries: MapEntry[], loc?: Loc): MapNode {
  const byKey = new Map<string, MapEntry>();
  for (const entry of entries) {
    byKey.delete(entry.key);
    byKey.set(entry.key, entry);
  }
  return { type: 'map', entries: [...byKey.values()], loc };
}

const KEY_INDEX = new WeakMap<MapNode, Map<string, MapEntry>>();

/** The entry for `key` (exact, case-sensitive); large mappings are indexed once. */
export function mapGet(map: MapNode, key: string): MapEntry | undefined {
  if (map.lookup) return map.lookup(key);
  if (map.entries.length < 16) {
    for (const entry of map.entries) if (entry.key === key) return entry;
    return undefined;
  }
  let index = KEY_INDEX.get(map);
  if (index === undefined) {
    index = new Map(map.entries.map((e) => [e.key, e]));
    KEY_INDEX.set(map, index);
  }
  return index.get(key);
}

export const EMPTY_MAP: MapNode = { type: 'map', entries: [] };

/** How deep a value tree may nest (SPEC §11); a file nesting deeper fails to load. */
export const MAX_NESTING = 1_000;

/**
 * Reads a plain JSON-like value (config_values, task options, JSON scenarios).
 * Iterative, so a deeply nested value cannot exhaust the stack; a cycle reads as null.
 */
export function nodeFromPlain(value: unknown): ConfigNode {
  const open = new Set<object>();
  const done = new Map<object, ConfigNode>();
  // Post-order over containers: a container is entered, its children are read, then it is built.
  const stack: { value: object; entered: boolean }[] = [];
  const leaf = (v: unknown): ConfigNode | undefined => {
    if (v === null || v === undefined) return { type: 'null' };
    if (typeof v === 'boolean') return { type: 'bool', value: v };
    if (typeof v === 'number') return Number.isInteger(v) ? { type: 'int', value: v } : { type: 'float', value: v };
    if (typeof v === 'string') return { type: 'string', value: v };
    if (typeof v !== 'object') return { type: 'string', value: String(v) };
    return undefined;
  };
  const children = (v: object): unknown[] => (Array.isArray(v) ? v : v instanceof Map ? [...v.values()] : Object.values(v as Record<string, unknown>));
  const child = (v: unknown): ConfigNode => leaf(v) ?? done.get(v as object) ?? { type: 'null' };
  const first = leaf(value);
  if (first) return first;
  stack.push({ value: value as object, entered: false });
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (!top.entered) {
      top.entered = true;
      if (done.has(top.value) || open.has(top.value)) {
        stack.pop();
        continue;
      }
      open.add(top.value);
      const items = children(top.value);
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i];
        if (leaf(item) === undefined && !done.has(item as object) && !open.has(item as object)) stack.push({ value: item as object, entered: false });
      }
      continue;
    }
    stack.pop();
    const v = top.value;
    let node: ConfigNode;
    if (Array.isArray(v)) node = { type: 'list', items: v.map(child) };
    else if (v instanceof Map) node = mapNode([...v.entries()].map(([k, x]) => ({ key: String(k), value: child(x) })));
    else node = mapNode(Object.entries(v as Record<string, unknown>).map(([key, x]) => ({ key, value: child(x) })));
    open.delete(v);
    done.set(v, node);
  }
  return done.get(value as object) ?? { type: 'null' };
}

/** The node as plain JSON (for output; computed values become their source text). Iterative. */
export function nodeToPlain(node: ConfigNode): unknown {
  const scalar = (n: ConfigNode): unknown => {
    switch (n.type) {
      case 'null':
        return null;
      case 'computed':
        return n.text;
      case 'list':
      case 'map':
        return undefined;
      default:
        return n.value;
    }
  };
  if (node.type !== 'list' && node.type !== 'map') return scalar(node);
  const made = new Map<ConfigNode, unknown>();
  const stack: { node: ConfigNode; entered: boolean }[] = [{ node, entered: false }];
  const childrenOf = (n: ConfigNode): readonly ConfigNode[] => (n.type === 'list' ? n.items : n.type === 'map' ? n.entries.map((e) => e.value) : []);
  const plain = (n: ConfigNode): unknown => (n.type === 'list' || n.type === 'map' ? made.get(n) : scalar(n));
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (!top.entered) {
      top.entered = true;
      if (made.has(top.node)) {
        stack.pop();
        continue;
      }
      for (const c of childrenOf(top.node)) if ((c.type === 'list' || c.type === 'map') && !made.has(c)) stack.push({ node: c, entered: false });
      continue;
    }
    stack.pop();
    const n = top.node;
    if (n.type === 'list') made.set(n, n.items.map(plain));
    else if (n.type === 'map') {
      const out: Record<string, unknown> = {};
      for (const e of n.entries) out[e.key] = plain(e.value);
      made.set(n, out);
    }
  }
  return made.get(node);
}

/**
 * `text`, shortened to at most about `max` characters: a long value is cut in the
 * middle of nothing the reader needs (its start, an ellipsis and its length).
 * Control characters are written as Python's repr writes them (`\n`, `\t`,
 * `\x00`), so a value read from a block scalar stays on the message's one line.
 */
export function shortQuote(text: string, max = 200): string {
  const shown = CONTROL_CHARACTER.test(text) ? text.replace(CONTROL_CHARACTERS, escapeControl) : text;
  if (shown.length <= max) return shown;
  return `${cut(shown, max)} (${text.length.toLocaleString('en-US')} characters)`;
}

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
const CONTROL_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(c: string): string {
  return CONTROL_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** The first `max` characters and an ellipsis, never splitting a surrogate pair. */
function cut(text: string, max: number): string {
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + '…';
}

/** A number as the runtime prints it (`inf`, not JSON's `null`). */
function numberText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

/**
 * A short display of a node's value, as a user would write it: strings quoted,
 * lists and mappings JSON-like, and never more than about `max` characters.
 * Iterative, and it stops reading once the text is long enough.
 */
export function nodeToText(node: ConfigNode, max = 200): string {
  if (node.type === 'string') return `'${shortQuote(node.value, max)}'`;
  if (node.type === 'computed') return shortQuote(node.text, max);
  let out = '';
  // Pieces still to write, last first: a node, or literal punctuation.
  const todo: (ConfigNode | string)[] = [node];
  while (todo.length > 0 && out.length <= max) {
    const next = todo.pop()!;
    if (typeof next === 'string') {
      out += next;
      continue;
    }
    switch (next.type) {
      case 'null':
        out += 'null';
        break;
      case 'bool':
        out += String(next.value);
        break;
      case 'int':
      case 'float':
        out += numberText(next.value);
        break;
      case 'string':
        out += JSON.stringify(next.value.length > max ? next.value.slice(0, max) : next.value);
        break;
      case 'computed':
        out += next.text.length > max ? next.text.slice(0, max) : next.text;
        break;
      case 'list': {
        todo.push(']');
        // Each item writes at least a character: no more than fit are queued.
        const shown = Math.min(next.items.length, max + 1);
        if (shown < next.items.length) todo.push(',…');
        for (let i = shown - 1; i >= 0; i--) {
          todo.push(next.items[i]);
          if (i > 0) todo.push(',');
        }
        out += '[';
        break;
      }
      case 'map': {
        todo.push('}');
        const shown = Math.min(next.entries.length, max + 1);
        if (shown < next.entries.length) todo.push(',…');
        for (let i = shown - 1; i >= 0; i--) {
          const entry = next.entries[i];
          todo.push(entry.value);
          todo.push(`${JSON.stringify(entry.key.length > max ? entry.key.slice(0, max) : entry.key)}:`);
          if (i > 0) todo.push(',');
        }
        out += '{';
        break;
      }
    }
  }
  return todo.length > 0 || out.length > max ? cut(out, max) : out;
}

/** A value for a message: its Python type and its text (`list [1,2]`), or `None` alone. */
export function describeNode(node: ConfigNode): string {
  return node.type === 'null' ? 'None' : `${pythonTypeName(node)} ${nodeToText(node)}`;
}

/** The Python type name of a node's value, for messages. */
export function pythonTypeName(node: ConfigNode): string {
  switch (node.type) {
    case 'null': return 'None';
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'float': return 'float';
    case 'string': return 'str';
    case 'list': return 'list';
    case 'map': return 'dict';
    case 'computed': return 'computed value';
  }
}
