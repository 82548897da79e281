// Reading `PYNENC__…` env var names back into field and task (SPEC §4).
import { ENV_CLASS_FILEPATH, ENV_CLASS_PREFIX, ENV_FILEPATH, ENV_PREFIX, FieldName, FIELD_NAMES } from '../resolver';

export type EnvKey =
  /** A task setting: generic (`PYNENC__F`), class (`PYNENC__CONFIGTASK__F`) or per task. */
  | { readonly kind: 'field'; readonly field: FieldName; readonly level: 'generic' | 'class' | 'task'; readonly taskPart?: string }
  /** `PYNENC__CONFIGTASK__…` with a field part that is no task setting (`strict`), or a near miss at `PYNENC__`. */
  | { readonly kind: 'unknownField'; readonly field: string; readonly strict: boolean; readonly taskPart?: string }
  | { readonly kind: 'filepath'; readonly key: string };

const BY_UPPER = new Map(FIELD_NAMES.map((f) => [f.toUpperCase(), f]));

export function fieldFromEnvName(name: string): FieldName | undefined {
  return BY_UPPER.get(name);
}

/** What an env var name means to Tasklens; `undefined` for names it does not concern. */
export function parseEnvKey(key: string): EnvKey | undefined {
  if (key === ENV_FILEPATH || key === ENV_CLASS_FILEPATH) return { kind: 'filepath', key };
  if (key.startsWith(ENV_CLASS_PREFIX)) {
    const rest = key.slice(ENV_CLASS_PREFIX.length);
    const hash = rest.indexOf('#');
    if (hash >= 0) {
      const sep = rest.lastIndexOf('__');
      if (sep <= hash) return { kind: 'unknownField', field: '', strict: true, taskPart: rest };
      const taskPart = rest.slice(0, sep);
      const fieldText = rest.slice(sep + 2);
      const field = fieldFromEnvName(fieldText);
      return field ? { kind: 'field', field, level: 'task', taskPart } : { kind: 'unknownField', field: fieldText, strict: true, taskPart };
    }
    const field = fieldFromEnvName(rest);
    return field ? { kind: 'field', field, level: 'class' } : { kind: 'unknownField', field: rest, strict: true };
  }
  if (key.startsWith(ENV_PREFIX)) {
    const rest = key.slice(ENV_PREFIX.length);
    const field = fieldFromEnvName(rest);
    if (field) return { kind: 'field', field, level: 'generic' };
    // Other pynenc settings live here too; only a near miss of a task field is worth a word.
    if (!rest.includes('__') && [...BY_UPPER.keys()].some((f) => nearMiss(rest, f))) return { kind: 'unknownField', field: rest, strict: false };
  }
  return undefined;
}

function nearMiss(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/_/g, '');
  return a !== b && (norm(a) === norm(b) || (Math.abs(a.length - b.length) <= 2 && [...a].filter((c, i) => b[i] !== c).length <= 2));
}
