// The `tasklens.*` settings (SPEC §8), with their defaults.
import { parse as parseJson } from 'jsonc-parser';

export interface TasklensSettings {
  /** Candidate config files, relative to the workspace folder; the first that exists is `config_filepath`. */
  readonly configFiles: readonly string[];
  /** `.env` files, relative to the workspace folder; an earlier file wins. */
  readonly envFiles: readonly string[];
  /** Env vars set by the user for the editor; stronger than any file. */
  readonly env: Readonly<Record<string, string>>;
  /** Whether the editor's own process env counts. */
  readonly useProcessEnv: boolean;
  /** The module root for TypeScript task ids, relative to the workspace folder. */
  readonly moduleRoot: string;
  readonly taskFunctionNames: readonly string[];
  /** Globs of TypeScript files to ignore. */
  readonly exclude: readonly string[];
  /** Python roots, relative to the workspace folder; empty: found automatically (SPEC §10). */
  readonly pythonRoots: readonly string[];
  /** Named environments (SPEC §12): each its own env files and env vars. */
  readonly environments: Readonly<Record<string, EnvironmentSettings>>;
  /** The active environment's name; `''` for the plain `envFiles` / `env`. */
  readonly environment: string;
}

/** One named environment; a key it leaves out falls back to the plain setting. */
export interface EnvironmentSettings {
  readonly envFiles?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export const DEFAULT_SETTINGS: TasklensSettings = {
  configFiles: ['config.yaml', 'config.yml', 'pynenc.yaml', 'pynenc.yml'],
  envFiles: ['.env'],
  env: {},
  useProcessEnv: false,
  moduleRoot: '',
  taskFunctionNames: ['task'],
  exclude: [],
  pythonRoots: [],
  environments: {},
  environment: '',
};

function stringList(value: unknown, fallback: readonly string[]): readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fallback;
}

/** Settings from an untrusted object (the client's `workspace/configuration` answer). */
function envVars(value: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') env[k] = String(v);
  }
  return env;
}

/** `tasklens.environments` from an untrusted object: entries that are not objects are dropped. */
export function readEnvironments(value: unknown): Record<string, EnvironmentSettings> {
  const environments: Record<string, EnvironmentSettings> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return environments;
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const entry = raw as Record<string, unknown>;
    environments[name] = {
      ...(Array.isArray(entry.envFiles) && entry.envFiles.every((f) => typeof f === 'string') ? { envFiles: entry.envFiles as string[] } : {}),
      ...(entry.env !== undefined ? { env: envVars(entry.env) } : {}),
    };
  }
  return environments;
}

export function readSettings(raw: unknown): TasklensSettings {
  const value = (raw ?? {}) as Record<string, unknown>;
  return {
    configFiles: stringList(value.configFiles, DEFAULT_SETTINGS.configFiles),
    envFiles: stringList(value.envFiles, DEFAULT_SETTINGS.envFiles),
    env: envVars(value.env),
    useProcessEnv: typeof value.useProcessEnv === 'boolean' ? value.useProcessEnv : DEFAULT_SETTINGS.useProcessEnv,
    moduleRoot: typeof value.moduleRoot === 'string' ? value.moduleRoot : DEFAULT_SETTINGS.moduleRoot,
    taskFunctionNames: stringList(value.taskFunctionNames, DEFAULT_SETTINGS.taskFunctionNames),
    exclude: stringList(value.exclude, DEFAULT_SETTINGS.exclude),
    pythonRoots: stringList(value.pythonRoots, DEFAULT_SETTINGS.pythonRoots),
    environments: readEnvironments(value.environments),
    environment: typeof value.environment === 'string' ? value.environment : DEFAULT_SETTINGS.environment,
  };
}

/**
 * The settings the CLI reads from the workspace, as the editor would see them:
 * the `tasklens.*` keys of `.vscode/settings.json` (JSON with comments), then the
 * keys of `tasklens.json` at the root, which win.
 */
export function settingsFromWorkspaceFiles(readText: (path: string) => string | undefined): TasklensSettings {
  const merged: Record<string, unknown> = {};
  const vscode = parseJsonc(readText('.vscode/settings.json'));
  for (const [key, value] of Object.entries(vscode)) if (key.startsWith('tasklens.')) merged[key.slice('tasklens.'.length)] = value;
  Object.assign(merged, parseJsonc(readText('tasklens.json')));
  return readSettings(merged);
}

function parseJsonc(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  const value: unknown = parseJson(text, [], { allowTrailingComma: true, disallowComments: false });
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
