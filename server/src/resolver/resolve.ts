// Sources and precedence (SPEC §4), with provenance: for every field, the winner
// and every shadowed candidate, each with where it was written.
import { ConfigNode, EMPTY_MAP, MapNode, mapGet, mapNode, nodeFromPlain, nodeToPlain } from './configNode';
import { convertValue, FieldValue } from './convert';
import { EnvOrigin, Environment, EnvValue } from './dotenv';
import { ExceptionRegistry } from './exceptions';
import { CLASS_SECTION_KEY, FieldName, FIELDS, FieldSpec } from './fields';
import { LoadedConfig, notFoundError, parseConfigText } from './loaders';
import { ENV_CLASS_FILEPATH, ENV_FILEPATH, envKeyForTask, envSharedKeysFor, namesAnyTask, TaskId, taskIdToString } from './taskId';

export type MappingKind = 'config_values' | 'pyproject' | 'config_file' | 'env_filepath' | 'env_class_filepath';
export type SourceKind = 'default' | 'task_options' | MappingKind | 'env';
export type Level = 'generic' | 'class' | 'task';

/** Where a value came from. `file` is relative to the root; `line` is 1-based. */
export interface SourceRef {
  readonly kind: SourceKind;
  readonly file?: string;
  readonly line?: number;
  readonly level?: Level;
  /** The env var name, for `env`. */
  readonly key?: string;
  /** Where an env value was set (`--env`, the process env, the `tasklens.env` setting, a file), for `env`. */
  readonly via?: EnvOrigin['via'];
  /** Offsets of the value in `file`, when known (for the editor). */
  readonly start?: number;
  readonly end?: number;
}

/** One place that sets a field for a task. */
export interface Candidate {
  readonly source: SourceRef;
  readonly node: ConfigNode;
}

/** One mapping source, in precedence order (SPEC §4 "Mappings"). */
export interface MappingSource {
  readonly kind: MappingKind;
  /** The file, relative to the root (none for config_values). */
  readonly file?: string;
  readonly loaded: LoadedConfig;
  /** For a file that fails to load: the parts of it that parse (a YAML file's readable sections). */
  readonly partial?: MapNode;
}

export interface ResolutionInput {
  readonly taskId: TaskId;
  /** `taskIdToString(taskId)`, when the caller has it (a known task's id): looked up in every mapping for every field. */
  readonly taskKey?: string;
  /** The `task()` options; options whose value is null are dropped. */
  readonly taskOptions?: MapNode;
  /** The file holding the `task()` call, for provenance. */
  readonly taskOptionsFile?: string;
  /** Lowest first, starting with config_values when there are any. */
  readonly mappings: readonly MappingSource[];
  readonly env: Environment;
  readonly exceptions: ExceptionRegistry;
  /** Defaults that differ for this task's language (a Python task's `retry_for` is pynenc's RetryError). */
  readonly defaults?: Partial<Readonly<Record<FieldName, FieldValue>>>;
}

export interface FieldResolution {
  readonly field: FieldName;
  /** The converted value; absent on error or when the winner is computed. */
  readonly value?: FieldValue;
  readonly error?: string;
  /** The winner is a computed `task()` option: present, value unknown. */
  readonly computed?: boolean;
  readonly source: SourceRef;
  /** The winning candidate (absent for the default and for a file that failed to load). */
  readonly winner?: Candidate;
  /** Every other candidate, strongest first. */
  readonly shadowed: readonly Candidate[];
  /**
   * When a file fails to load: what the parts that do parse would give, the
   * failing file's own readable sections included.
   */
  readonly fromParsedParts?: FieldResolution;
}

export interface TaskResolution {
  readonly taskId: TaskId;
  readonly fields: Readonly<Record<FieldName, FieldResolution>>;
}

/** Human form of a source: `config.yaml:12`, `PYNENC__MAX_RETRIES (.env:3)`, `default`. */
export function describeSource(source: SourceRef): string {
  const at = source.file !== undefined ? (source.line !== undefined ? `${source.file}:${source.line}` : source.file) : undefined;
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'env': {
      const where = at ?? envOriginText(source.via);
      return where !== undefined ? `${source.key} (${where})` : `${source.key ?? 'env'}`;
    }
    case 'task_options': {
      // A Python task's options are its decorator's keywords.
      const what = source.file?.endsWith('.py') ? 'decorator options' : 'task() options';
      return at !== undefined ? `${what} (${at})` : what;
    }
    case 'config_values':
      return source.level !== undefined && source.level !== 'generic' ? `config_values (${source.level} level)` : 'config_values';
    default:
      return at ?? source.kind;
  }
}

/** Where an env value came from when no file holds it. */
export function envOriginText(via: EnvOrigin['via'] | undefined): string | undefined {
  switch (via) {
    case 'cli':
      return '--env';
    case 'process':
      return 'process env';
    case 'setting':
      return 'tasklens.env setting';
    default:
      return undefined;
  }
}

const withoutNulls = new WeakMap<MapNode, MapNode>();

/** The options without those set to null, once per options object (every field of every task asks). */
function dropNulls(options: MapNode): MapNode {
  let kept = withoutNulls.get(options);
  if (kept === undefined) {
    kept = mapNode(options.entries.filter((e) => e.value.type !== 'null'));
    withoutNulls.set(options, kept);
  }
  return kept;
}

/** Candidates for `field` in one mapping: generic, class, task level (weakest first). */
function mappingCandidates(root: MapNode, field: FieldName, taskKey: string, make: (level: Level, entry: { keyLoc?: { line: number; start?: number; end?: number }; value: ConfigNode }) => Candidate): Candidate[] {
  const found: Candidate[] = [];
  const generic = mapGet(root, field);
  if (generic) found.push(make('generic', generic));
  const section = mapGet(root, CLASS_SECTION_KEY);
  if (section && section.value.type === 'map') {
    const cls = mapGet(section.value, field);
    if (cls) found.push(make('class', cls));
    const perTask = mapGet(section.value, taskKey);
    if (perTask && perTask.value.type === 'map') {
      const own = mapGet(perTask.value, field);
      if (own) found.push(make('task', own));
    }
  }
  return found;
}

/** Every candidate for a field, weakest first, from the mappings that loaded. */
export function fieldCandidates(input: ResolutionInput, field: FieldName): Candidate[] {
  const taskKey = input.taskKey ?? taskIdToString(input.taskId);
  const candidates: Candidate[] = [];
  const options = input.taskOptions ? dropNulls(input.taskOptions) : undefined;
  const optionEntry = options ? mapGet(options, field) : undefined;
  let sawConfigValues = false;
  for (const mapping of input.mappings) {
    if (!mapping.loaded.ok) continue;
    const make = (level: Level, entry: { keyLoc?: { line: number; start?: number; end?: number }; value: ConfigNode }): Candidate => ({
      source: { kind: mapping.kind, file: mapping.file, line: entry.keyLoc?.line, level, start: entry.value.loc?.start, end: entry.value.loc?.end },
      node: entry.value,
    });
    const found = mappingCandidates(mapping.loaded.root, field, taskKey, make);
    if (mapping.kind === 'config_values') {
      sawConfigValues = true;
      // task() options are merged into config_values as top-level keys.
      const genericCount = found.length > 0 && found[0].source.level === 'generic' ? 1 : 0;
      candidates.push(...found.slice(0, genericCount));
      if (optionEntry) candidates.push(optionCandidate(optionEntry, input.taskOptionsFile));
      candidates.push(...found.slice(genericCount));
    } else {
      if (!sawConfigValues && optionEntry) {
        candidates.push(optionCandidate(optionEntry, input.taskOptionsFile));
        sawConfigValues = true;
      }
      candidates.push(...found);
    }
  }
  if (!sawConfigValues && optionEntry) candidates.push(optionCandidate(optionEntry, input.taskOptionsFile));
  // Weakest first: generic, class-level, then per task (only built when some variable is per task).
  const [classKey, genericKey] = envSharedKeysFor(field);
  pushEnvCandidates(candidates, input.env, genericKey);
  pushEnvCandidates(candidates, input.env, classKey);
  if (hasPerTaskKeys(input.env)) pushEnvCandidates(candidates, input.env, envKeyForTask(input.taskId, field));
  return candidates;
}

function pushEnvCandidates(candidates: Candidate[], env: Environment, key: string): void {
  const value = env.get(key);
  if (value === undefined) return;
  // Weaker sources of the same variable first: they are shadowed by the value in force.
  const shadowed = value.shadowed ?? [];
  for (let i = shadowed.length - 1; i >= 0; i--) candidates.push(envCandidate(key, shadowed[i]));
  candidates.push(envCandidate(key, value));
}

/** Per environment (by identity and size: environments are built, then only read). */
const perTaskKeys = new WeakMap<Environment, { readonly size: number; readonly any: boolean }>();

/** `namesAnyTask` of `env`'s variables, once per environment. */
export function hasPerTaskKeys(env: Environment): boolean {
  const known = perTaskKeys.get(env);
  if (known !== undefined && known.size === env.size) return known.any;
  const any = namesAnyTask(env.keys());
  perTaskKeys.set(env, { size: env.size, any });
  return any;
}

function envCandidate(key: string, value: EnvValue): Candidate {
  const { file, line, via } = value.origin;
  return { source: { kind: 'env', key, file, line, via }, node: { type: 'string', value: value.value } };
}

function optionCandidate(entry: { keyLoc?: { line: number; start?: number; end?: number }; value: ConfigNode }, file: string | undefined): Candidate {
  return { source: { kind: 'task_options', file, line: entry.keyLoc?.line ?? entry.value.loc?.line, start: entry.value.loc?.start, end: entry.value.loc?.end }, node: entry.value };
}

function resolveLoadedField(input: ResolutionInput, spec: FieldSpec): FieldResolution {
  const candidates = fieldCandidates(input, spec.name);
  const winner = candidates.pop();
  const shadowed = candidates.reverse();
  if (winner === undefined) return { field: spec.name, value: input.defaults?.[spec.name] ?? (spec.default as FieldValue), source: { kind: 'default' }, shadowed };
  const converted = convertValue(spec, winner.node, input.exceptions);
  if (converted.ok === 'computed') return { field: spec.name, computed: true, source: winner.source, winner, shadowed };
  if (converted.ok) return { field: spec.name, value: converted.value, source: winner.source, winner, shadowed };
  const message = `${spec.name}: ${converted.message} (from ${describeSource(winner.source)})`;
  return { field: spec.name, error: message, source: winner.source, winner, shadowed };
}

export function resolveField(input: ResolutionInput, spec: FieldSpec): FieldResolution {
  const failed = input.mappings.find((m) => !m.loaded.ok);
  if (failed === undefined || failed.loaded.ok) return resolveLoadedField(input, spec);
  // The runtime refuses to build the config at all: every field fails.
  const { error } = failed.loaded;
  const parsedParts = input.mappings.map((m): MappingSource => (m.loaded.ok ? m : { ...m, loaded: { ok: true, root: m.partial ?? EMPTY_MAP } }));
  return {
    field: spec.name,
    error: error.message,
    source: { kind: failed.kind, file: failed.file, line: error.line },
    shadowed: [],
    fromParsedParts: resolveLoadedField({ ...input, mappings: parsedParts }, spec),
  };
}

export function resolveTaskConfig(input: ResolutionInput): TaskResolution {
  const fields = {} as Record<FieldName, FieldResolution>;
  for (const spec of FIELDS) fields[spec.name] = resolveField(input, spec);
  return { taskId: input.taskId, fields };
}

/** Reads files relative to the root; `undefined` when the file does not exist. */
export interface FileAccess {
  readText(path: string): string | undefined;
}

export interface SourceOptions {
  /** The app's config dict (null values kept). */
  readonly configValues?: Record<string, unknown> | null;
  /** The config file, relative to the root; empty counts as absent. */
  readonly configFilepath?: string | null;
  readonly env: Environment;
  readonly files: FileAccess;
  /** Reads and parses a file (undefined when it does not exist); defaults to `parseConfigText` of `files` (the editor passes its cached documents). */
  readonly load?: (path: string) => LoadedConfig | undefined;
}

/** The mapping sources of SPEC §4, lowest first, reading files through `files`. */
export function collectMappings(options: SourceOptions): MappingSource[] {
  const read = options.load ?? ((path: string) => {
    const text = options.files.readText(path);
    return text === undefined ? undefined : parseConfigText(path, text);
  });
  const load = (kind: MappingKind, path: string): MappingSource => ({ kind, file: path, loaded: read(path) ?? { ok: false, error: notFoundError(path) } });
  const mappings: MappingSource[] = [];
  if (options.configValues) {
    const root = nodeFromPlain(options.configValues);
    if (root.type === 'map') mappings.push({ kind: 'config_values', loaded: { ok: true, root } });
  }
  const pyproject = read('pyproject.toml');
  if (pyproject !== undefined) mappings.push({ kind: 'pyproject', file: 'pyproject.toml', loaded: pyproject });
  if (options.configFilepath) mappings.push(load('config_file', options.configFilepath));
  const envFile = options.env.get(ENV_FILEPATH)?.value;
  if (envFile) mappings.push(load('env_filepath', envFile));
  const envClassFile = options.env.get(ENV_CLASS_FILEPATH)?.value;
  if (envClassFile) mappings.push(load('env_class_filepath', envClassFile));
  return mappings;
}

/** A candidate or default as JSON for output (`explain --format json`). */
export function sourceToJson(source: SourceRef): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: source.kind };
  if (source.key !== undefined) out.key = source.key;
  if (source.via !== undefined && source.file === undefined && source.via !== 'scenario') out.via = source.via;
  if (source.file !== undefined) out.file = source.file;
  if (source.line !== undefined) out.line = source.line;
  if (source.level !== undefined) out.level = source.level;
  return out;
}

export function candidateToJson(candidate: Candidate): Record<string, unknown> {
  return { ...sourceToJson(candidate.source), value: nodeToPlain(candidate.node) };
}
