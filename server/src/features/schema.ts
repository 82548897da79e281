// A JSON Schema (draft-07) of the config file, generated from the field table:
// for editors and tools without Tasklens (yaml-language-server, a JSON `$schema`,
// CI validators). `tasklens schema` prints it; bench/ gives it to
// yaml-language-server so both servers know the same fields.
//
// It describes the shape each value is meant to have, which is stricter than what
// the runtime reads: a `"false"` string for a bool or a bare string for a list is
// accepted by the runtime (as true, and as a list of characters) and warned about
// by Tasklens, and a schema has no warnings, so it rejects them. Enum values are
// lowercase only, as the runtime requires.
import { CLASS_SECTION_KEY, FieldSpec, FIELDS, KNOWN_PYNENC_SECTIONS } from '../resolver';

export type JsonSchema = { [keyword: string]: unknown };

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** A per-task key: `<module>.<function>`, split on its last dot, both parts non-empty. */
export const TASK_ID_KEY_PATTERN = '^.+\\.[^.]+$';
/** An exception reference: `<module>.<ClassName>` with no empty part (a bare `ValueError` cannot be imported). */
const EXCEPTION_NAME_PATTERN = '^[^.]+(\\.[^.]+)+$';

const TASK_SECTION = 'taskSection';

/** The config file's schema: fields at the top level, under `task:`, and in per-task sections under `task:`. */
export function configSchema(): JsonSchema {
  const definitions: Record<string, JsonSchema> = Object.fromEntries(FIELDS.map((spec) => [spec.name, fieldSchema(spec)]));
  definitions[TASK_SECTION] = {
    type: 'object',
    title: 'Settings for one task',
    description:
      'The settings of the task whose id is this key, `<module>.<function>` (for example `src.tasks.email.sendEmail`). ' +
      'They beat the `task:` level and the top level of the same file; a later file and any env var beat them.',
    properties: fieldReferences(),
    additionalProperties: false,
  };
  const otherSections = KNOWN_PYNENC_SECTIONS.filter((name) => name !== CLASS_SECTION_KEY);
  return {
    $schema: DRAFT_07,
    title: 'pynenc task configuration (Tasklens)',
    description:
      'A pynenc config file (YAML, JSON or TOML, or the [tool.pynenc] table of pyproject.toml). ' +
      'A field at the top level applies to every task; under `task:` to every task as well, beating the top level; ' +
      'under `task:` → `<module>.<function>:` to that one task. Env vars beat every file. Generated from the Tasklens field table.',
    type: 'object',
    properties: {
      ...fieldReferences(),
      [CLASS_SECTION_KEY]: {
        type: 'object',
        title: 'Task settings',
        description:
          'Settings for every task (the class level, beating the same field at the top level of this file), ' +
          'and per-task sections keyed by task id `<module>.<function>`.',
        properties: fieldReferences(),
        patternProperties: { [TASK_ID_KEY_PATTERN]: { $ref: `#/definitions/${TASK_SECTION}` } },
        additionalProperties: false,
      },
      ...Object.fromEntries(otherSections.map((name) => [name, { description: `pynenc's \`${name}\` setting; Tasklens does not check it.` }])),
    },
    additionalProperties: false,
    definitions,
  };
}

function fieldReferences(): Record<string, JsonSchema> {
  return Object.fromEntries(FIELDS.map((spec) => [spec.name, { $ref: `#/definitions/${spec.name}` }]));
}

function fieldSchema(spec: FieldSpec): JsonSchema {
  const text = {
    title: spec.summary,
    description: spec.description,
    markdownDescription: `${spec.description}\n\nDefault: \`${JSON.stringify(spec.default)}\`.`,
    default: spec.default,
  };
  switch (spec.type) {
    case 'int':
      return { ...text, type: 'integer', minimum: 0 };
    case 'bool':
      return { ...text, type: 'boolean' };
    case 'enum':
      return { ...text, type: 'string', enum: [...(spec.enumValues ?? [])] };
    case 'stringList':
      return { ...text, type: 'array', items: { type: 'string' } };
    case 'exceptionList':
      return { ...text, type: 'array', items: { type: 'string', pattern: EXCEPTION_NAME_PATTERN } };
  }
}
