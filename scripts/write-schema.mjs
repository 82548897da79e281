// Writes bench/tasklens-config.schema.json from the field table: the JSON schema
// the benchmark gives yaml-language-server, so both servers know the same fields.
// A unit test keeps the committed file in step with the table.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function configSchema() {
  const { FIELDS } = require(path.join(REPO, 'build', 'server', 'src', 'resolver', 'fields.js'));
  const fieldSchema = (spec) => {
    const base = { description: spec.summary, default: spec.default };
    switch (spec.type) {
      case 'int': return { ...base, type: 'integer' };
      case 'bool': return { ...base, type: 'boolean' };
      case 'enum': return { ...base, type: 'string', enum: [...spec.enumValues] };
      default: return { ...base, type: 'array', items: { type: 'string' } };
    }
  };
  const fields = Object.fromEntries(FIELDS.map((spec) => [spec.name, fieldSchema(spec)]));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'pynenc task configuration (Tasklens)',
    type: 'object',
    properties: {
      ...fields,
      task: {
        type: 'object',
        description: 'Settings for every task, and per-task sections keyed by task id',
        properties: fields,
        additionalProperties: { type: 'object', properties: fields, additionalProperties: false },
      },
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(path.join(REPO, 'bench', 'tasklens-config.schema.json'), JSON.stringify(configSchema(), null, 2) + '\n');
}
