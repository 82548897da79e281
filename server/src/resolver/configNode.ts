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

/** Reads a plain JSON-like value (config_values, task options, JSON scenarios). */
export function nodeFromPlain(value: unknown): ConfigNode {
  if (value === null || value === undefined) return { type: 'null' };
  if (typeof value === 'boolean') return { type: 'bool', value };
  if (typeof value === 'number') return Number.isInteger(value) ? { type: 'int', value } : { type: 'float', value };
  if (typeof value === 'string') return { type: 'string', value };
  if (Array.isArray(value)) return { type: 'list', items: value.map(nodeFromPlain) };
  if (value instanceof Map) {
    return mapNode([...value.entries()].map(([k, v]) => ({ key: String(k), value: nodeFromPlain(v) })));
  }
  if (typeof value === 'object') {
    return mapNode(Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: nodeFromPlain(v) })));
  }
  return { type: 'string', value: String(value) };
}

/** The node as plain JSON (for output; computed values become their source text). */
export function nodeToPlain(node: ConfigNode): unknown {
  switch (node.type) {
    case 'null':
      return null;
    case 'bool':
    case 'int':
    case 'float':
    case 'string':
      return node.value;
    case 'list':
      return node.items.map(nodeToPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) out[e.key] = nodeToPlain(e.value);
      return out;
    }
    case 'computed':
      return node.text;
  }
}

/** A short display of a node's value, as a user would write it. */
export function nodeToText(node: ConfigNode): string {
  switch (node.type) {
    case 'string':
      return `'${node.value}'`;
    case 'computed':
      return node.text;
    default:
      return JSON.stringify(nodeToPlain(node));
  }
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
