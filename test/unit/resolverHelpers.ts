// Shared by the precedence and conversion tests: a scenario for one task, and a
// field's resolution in the shape `explain --format json` prints.
import { candidateToJson, FieldResolution, resolveScenario, Scenario, sourceToJson } from '../../server/src/resolver';

const EMAIL = { module: 'src.tasks.email', func: 'sendEmail' };

export function resolve(s: Partial<Scenario>): ReturnType<typeof resolveScenario> {
  return resolveScenario({ taskId: EMAIL, ...s });
}

/** The field's value, its winner as explain JSON prints it, and the shadowed candidates. */
export function summary(field: FieldResolution): { value: unknown; error?: string; source: Record<string, unknown>; shadowed: Record<string, unknown>[] } {
  const out: { value: unknown; error?: string; source: Record<string, unknown>; shadowed: Record<string, unknown>[] } = {
    value: field.value,
    source: sourceToJson(field.source),
    shadowed: field.shadowed.map(candidateToJson),
  };
  if (field.error !== undefined) out.error = field.error;
  return out;
}

