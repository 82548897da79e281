// Reading config files into located value trees, accepting and refusing what
// pynenc's reader does (SPEC §5 "Loading a config file").
import * as YAML from 'yaml';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
// smol-toml is published as an ES module with a CommonJS build beside it; the
// types come from the former, the code from the latter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml, TomlDate, TomlError } = require('smol-toml') as typeof SmolToml;
import { ConfigNode, EMPTY_MAP, Loc, MapEntry, MapNode, mapGet, mapNode, nodeFromPlain } from './configNode';

export type ConfigFormat = 'yaml' | 'json' | 'toml';

/** Why a file failed to load; the kinds the editor reports with their own codes. */
export type LoadErrorKind = 'syntax' | 'duplicateKey' | 'multipleDocuments' | 'notFound' | 'unsupported' | 'notATable';

export interface LoadError {
  readonly kind: LoadErrorKind;
  /** The whole message, naming the file. */
  readonly message: string;
  /** The reason alone, for a diagnostic placed in the file. */
  readonly reason: string;
  readonly start?: number;
  readonly end?: number;
  readonly line?: number;
}

export type LoadedConfig =
  | { readonly ok: true; readonly root: MapNode }
  | { readonly ok: false; readonly error: LoadError };

/** Python's `os.path.splitext` extension, lower-cased, without the dot ('' when none). */
export function fileExtension(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  const stripped = base.replace(/^\.+/, '');
  const dot = stripped.lastIndexOf('.');
  return dot < 0 ? '' : stripped.slice(dot + 1).toLowerCase();
}

export function configFormat(path: string): ConfigFormat | undefined {
  switch (fileExtension(path)) {
    case 'yaml':
    case 'yml':
      return 'yaml';
    case 'json':
      return 'json';
    case 'toml':
      return 'toml';
    default:
      return undefined;
  }
}

/** A file whose path contains `pyproject.toml` contributes only `tool.pynenc`. */
export function isPyprojectPath(path: string): boolean {
  return path.toLowerCase().includes('pyproject.toml');
}

export function notFoundError(path: string): LoadError {
  return { kind: 'notFound', message: `Configuration file not found: ${path}`, reason: 'file not found' };
}

/**
 * Parses a config file's text as pynenc would read the file at `path`
 * (format by extension; `tool.pynenc` only for pyproject files).
 */
export function parseConfigText(path: string, text: string): LoadedConfig {
  const format = configFormat(path);
  if (format === undefined) {
    return { ok: false, error: { kind: 'unsupported', message: `Unsupported file extension in ${path}`, reason: 'unsupported file extension (expected .yaml, .yml, .json or .toml)' } };
  }
  const loaded = format === 'yaml' ? parseYamlConfig(path, text) : format === 'json' ? parseJsonConfig(path, text) : parseTomlConfig(path, text);
  if (!loaded.ok || !isPyprojectPath(path)) return loaded;
  return pynencTable(path, loaded.root);
}

function pynencTable(path: string, root: MapNode): LoadedConfig {
  const tool = mapGet(root, 'tool');
  if (tool === undefined) return { ok: true, root: EMPTY_MAP };
  if (tool.value.type !== 'map') return notATable(path, 'tool', tool);
  const pynenc = mapGet(tool.value, 'pynenc');
  if (pynenc === undefined) return { ok: true, root: EMPTY_MAP };
  if (pynenc.value.type !== 'map') return notATable(path, 'tool.pynenc', pynenc);
  return { ok: true, root: pynenc.value };
}

function notATable(path: string, key: string, entry: MapEntry): LoadedConfig {
  const reason = `'${key}' is not a table`;
  return { ok: false, error: { kind: 'notATable', message: `Invalid configuration in ${path}: ${reason}`, reason, line: entry.keyLoc?.line, start: entry.keyLoc?.start, end: entry.keyLoc?.end } };
}

// ---------------------------------------------------------------- YAML / JSON

export const YAML_PARSE_OPTIONS = { uniqueKeys: true, merge: false, prettyErrors: false, strict: false } as const;

/** A located value tree built from a parsed YAML document, nulls read as `''` (pynenc's reader). */
export class YamlTreeBuilder {
  private readonly resolving = new Set<YAML.Node>();

  /** `makeLoc` turns a node's range in the parsed text into a location. */
  constructor(
    private readonly doc: YAML.Document.Parsed,
    private readonly makeLoc: (start: number, end: number) => Loc,
  ) {}

  /** Locations in a whole file: lines from `lines`, offsets as parsed. */
  static forFile(doc: YAML.Document.Parsed, lines: YAML.LineCounter): YamlTreeBuilder {
    return new YamlTreeBuilder(doc, (start, end) => ({ line: lines.linePos(start).line, start, end }));
  }

  loc(range: readonly [number, number, number] | null | undefined): Loc | undefined {
    return range ? this.makeLoc(range[0], range[1]) : undefined;
  }

  root(): MapNode {
    const contents = this.doc.contents;
    if (contents === null) return EMPTY_MAP;
    const node = this.node(contents);
    return node.type === 'map' ? node : EMPTY_MAP;
  }

  node(node: unknown): ConfigNode {
    if (YAML.isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined || this.resolving.has(target)) return { type: 'string', value: '', loc: this.loc(node.range) };
      this.resolving.add(target);
      try {
        return this.node(target);
      } finally {
        this.resolving.delete(target);
      }
    }
    if (YAML.isScalar(node)) return this.scalar(node);
    if (YAML.isSeq(node)) {
      return { type: 'list', items: node.items.map((item) => this.node(item)), loc: this.loc(node.range) };
    }
    if (YAML.isMap(node)) {
      const entries: MapEntry[] = [];
      for (const pair of node.items) {
        const key = this.key(pair.key);
        if (key === undefined) continue;
        const keyNode = pair.key as YAML.Node | null;
        entries.push({ key, keyLoc: this.loc(keyNode?.range), value: this.node(pair.value) });
      }
      return mapNode(entries, this.loc(node.range));
    }
    // An empty value (`key:` with nothing after it).
    return { type: 'string', value: '' };
  }

  private scalar(node: YAML.Scalar): ConfigNode {
    const loc = this.loc(node.range);
    const value = node.value;
    if (value === null || value === undefined) return { type: 'string', value: '', loc };
    if (typeof value === 'boolean') return { type: 'bool', value, loc };
    if (typeof value === 'number') return { type: isFloatSource(node.source, value) ? 'float' : 'int', value, loc };
    if (typeof value === 'bigint') return { type: 'int', value: Number(value), loc };
    return { type: 'string', value: String(value), loc };
  }

  /** Mapping keys: strings are kept, integers become their decimal text, anything else is dropped. */
  private key(key: unknown): string | undefined {
    let node = key;
    if (YAML.isAlias(node)) node = node.resolve(this.doc);
    if (!YAML.isScalar(node)) return undefined;
    const value = node.value;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && !isFloatSource(node.source, value)) return String(value);
    if (typeof value === 'bigint') return value.toString();
    return undefined;
  }
}

function isFloatSource(source: unknown, value: number): boolean {
  if (typeof source !== 'string') return !Number.isInteger(value);
  if (/^[-+]?0[xo]/i.test(source)) return false;
  return /[.eE]|inf|nan/i.test(source) || !Number.isFinite(value);
}

export function yamlReason(error: YAML.YAMLError, text: string, lines: YAML.LineCounter): LoadError {
  const [start, end] = error.pos;
  const line = lines.linePos(start).line;
  if (error.code === 'DUPLICATE_KEY') {
    const token = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:\n,{}]+?)\s*(:|$)/m.exec(text.slice(start));
    const raw = token ? token[1].trim() : text.slice(start, end);
    const key = raw.replace(/^["']|["']$/g, '');
    const reason = `duplicate entry with key "${key}"`;
    return { kind: 'duplicateKey', message: '', reason, start, end: start + raw.length, line };
  }
  const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return { kind: 'syntax', message: '', reason, start, end, line };
}

export interface YamlParse {
  readonly loaded: LoadedConfig;
  /** Every problem that makes the runtime refuse the file (the first one is `loaded.error`). */
  readonly errors: readonly LoadError[];
  /** The first document's tree, read as far as it goes even when the load fails (for the editor). */
  readonly root: MapNode;
}

/** Parses YAML config text; every load failure is reported, the first one fails the load. */
export function parseYamlDocument(path: string, text: string): YamlParse {
  const lines = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { ...YAML_PARSE_OPTIONS, lineCounter: lines });
  if (!Array.isArray(docs)) return { loaded: { ok: true, root: EMPTY_MAP }, errors: [], root: EMPTY_MAP };
  const errors: LoadError[] = [];
  for (const doc of docs) for (const error of doc.errors) errors.push(withMessage(path, 'YAML', yamlReason(error, text, lines)));
  for (const extra of docs.slice(1)) {
    const start = extra.range[0];
    const reason = 'a second YAML document (only one is allowed: the file fails to load)';
    errors.push(withMessage(path, 'YAML', { kind: 'multipleDocuments', message: '', reason, start, end: Math.min(text.length, start + 3), line: lines.linePos(start).line }));
  }
  errors.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  const root = docs.length === 0 ? EMPTY_MAP : YamlTreeBuilder.forFile(docs[0], lines).root();
  if (errors.length > 0) return { loaded: { ok: false, error: errors[0] }, errors, root };
  return { loaded: { ok: true, root }, errors, root };
}

export function withMessage(path: string, format: string, error: LoadError): LoadError {
  const at = error.line !== undefined ? ` (line ${error.line})` : '';
  return { ...error, message: `Invalid ${format} file ${path}: ${error.reason}${at}` };
}

export function parseYamlConfig(path: string, text: string): LoadedConfig {
  return parseYamlDocument(path, text).loaded;
}

/** JSON: duplicate keys are allowed (last wins); mapping keys are listed sorted. */
export function parseJsonConfig(path: string, text: string): LoadedConfig {
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: withMessage(path, 'JSON', jsonSyntaxError(text, (e as Error).message)) };
  }
  // Locations come from reading the same text as YAML (JSON is YAML 1.2); where
  // that fails (tabs used for indentation, say) the values stand without lines.
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { ...YAML_PARSE_OPTIONS, uniqueKeys: false, lineCounter: lines });
  let node: ConfigNode;
  if (doc.errors.length === 0) node = YamlTreeBuilder.forFile(doc, lines).node(doc.contents);
  else node = nodeFromPlain(plain);
  node = jsonNulls(node);
  return { ok: true, root: node.type === 'map' ? sortEntries(node) : EMPTY_MAP };
}

/**
 * A JSON syntax error as one line with its place. Node's messages differ between
 * versions (some quote the whole text, some give no position), so the place comes
 * from the message when it has one, else from reading the text as YAML.
 */
function jsonSyntaxError(text: string, message: string): LoadError {
  const firstLine = message.split('\n')[0];
  const reason = (firstLine.length > 120 ? firstLine.slice(0, 117) + '...' : firstLine).replace(/, "[^"]*$/, '');
  let start: number | undefined;
  const position = /position (\d+)/.exec(message);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (position) start = Number(position[1]);
  else if (lineColumn) start = lineStartOffset(text, Number(lineColumn[1])) + Number(lineColumn[2]) - 1;
  else {
    const doc = YAML.parseDocument(text, { ...YAML_PARSE_OPTIONS, uniqueKeys: false });
    start = doc.errors[0]?.pos[0];
  }
  const line = start !== undefined ? text.slice(0, start).split('\n').length : undefined;
  return { kind: 'syntax', message: '', reason, start, line };
}

function lineStartOffset(text: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line && offset >= 0; l++) offset = text.indexOf('\n', offset) + 1;
  return Math.max(0, offset);
}

/** pynenc's reader turns JSON nulls into `''`, at any depth. */
function jsonNulls(node: ConfigNode): ConfigNode {
  switch (node.type) {
    case 'null':
      return { type: 'string', value: '', loc: node.loc };
    case 'list':
      return { ...node, items: node.items.map(jsonNulls) };
    case 'map':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: jsonNulls(e.value) })) };
    default:
      return node;
  }
}

function sortEntries(node: MapNode): MapNode {
  const entries = node.entries.map((e) => (e.value.type === 'map' ? { ...e, value: sortEntries(e.value) } : e));
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...node, entries };
}

// ----------------------------------------------------------------------- TOML

export function parseTomlConfig(path: string, text: string): LoadedConfig {
  let plain: Record<string, unknown>;
  try {
    plain = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const line = e instanceof TomlError ? e.line : undefined;
    const reason = (e as Error).message.split('\n')[0];
    return { ok: false, error: withMessage(path, 'TOML', { kind: 'syntax', message: '', reason, line }) };
  }
  const lines = tomlKeyLines(text);
  const root = tomlNode(plain, [], lines);
  return { ok: true, root: root.type === 'map' ? sortEntries(root) : EMPTY_MAP };
}

function tomlNode(value: unknown, path: string[], lines: Map<string, number>): ConfigNode {
  const line = lines.get(JSON.stringify(path));
  const loc = line !== undefined ? { line } : undefined;
  if (value instanceof TomlDate || value instanceof Date) return { type: 'string', value: value.toISOString(), loc };
  if (Array.isArray(value)) return { type: 'list', items: value.map((v, i) => tomlNode(v, [...path, String(i)], lines)), loc };
  if (typeof value === 'bigint') return { type: 'int', value: Number(value), loc };
  if (value !== null && typeof value === 'object') {
    const entries: MapEntry[] = Object.entries(value as Record<string, unknown>).map(([key, v]) => {
      const keyLine = lines.get(JSON.stringify([...path, key]));
      return { key, keyLoc: keyLine !== undefined ? { line: keyLine } : undefined, value: tomlNode(v, [...path, key], lines) };
    });
    return mapNode(entries, loc);
  }
  const node = nodeFromPlain(value);
  return loc ? ({ ...node, loc } as ConfigNode) : node;
}

/**
 * The line of each key and table header in a TOML text (key path as JSON → 1-based line).
 * A light scan for provenance only: the values come from the real parser.
 */
function tomlKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let table: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const header = /^\[\[?(.*?)\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      table = splitTomlKey(header[1]);
      const key = JSON.stringify(table);
      if (!lines.has(key)) lines.set(key, index + 1);
      return;
    }
    const assignment = /^((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=/.exec(line);
    if (assignment) lines.set(JSON.stringify([...table, ...splitTomlKey(assignment[1])]), index + 1);
  });
  return lines;
}

function splitTomlKey(text: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(?:\.|$)/gy;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null && match[0] !== '') {
    parts.push(match[1] ?? (match[2] !== undefined ? JSON.parse(`"${match[2]}"`) : match[3]));
  }
  return parts;
}
