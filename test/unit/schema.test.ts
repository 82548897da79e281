// The JSON Schema of the config file (`tasklens schema`), checked with a real
// validator (ajv, strict mode) on the demo config and on small documents, and
// against the field table it is generated from.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject } from 'ajv';
import * as YAML from 'yaml';
import { configSchema, JsonSchema } from '../../server/src/features/schema';
import { FIELDS, KNOWN_PYNENC_SECTIONS } from '../../server/src/resolver';
import { REPO_ROOT } from '../paths';

const schema = configSchema();
/** `markdownDescription` is the key VS Code and yaml-language-server read for hovers; ajv only needs to know it. */
const ajv = new Ajv({ strict: true, allErrors: true, keywords: ['markdownDescription'] });
const validate = ajv.compile(schema);

function errorsOf(document: unknown): ErrorObject[] {
  return validate(document) ? [] : [...(validate.errors ?? [])];
}

function errorsOfYaml(text: string): ErrorObject[] {
  return errorsOf(YAML.parse(text));
}

/** The instance paths ajv complains about, with the keyword that failed. */
function complaints(document: unknown): string[] {
  return errorsOf(document).map((error) => `${error.instancePath} ${error.keyword}`).sort();
}

const DEMO_CONFIG = path.join(REPO_ROOT, 'examples', 'demo', 'config.yaml');

test('the schema is a valid draft-07 schema that ajv compiles in strict mode', () => {
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors));
});

test('the demo config is rejected exactly at its three mistakes, and valid once they are fixed', () => {
  const text = fs.readFileSync(DEMO_CONFIG, 'utf8');
  const chargeCard = '/task/src.tasks.billing.chargeCard';
  assert.deepEqual(complaints(YAML.parse(text)), [
    `${chargeCard}/key_arguments type`, // a string, split into characters by the runtime
    `${chargeCard}/running_concurrency enum`, // KEYS: only lowercase values
    '/task/src.tasks.email.sendEmail/on_diff_non_key_args_raise type', // "false", which is true
  ]);
  const fixed = text
    .replace('running_concurrency: KEYS', 'running_concurrency: keys')
    .replace('key_arguments: customerId', 'key_arguments: [customerId]')
    .replace('on_diff_non_key_args_raise: "false"', 'on_diff_non_key_args_raise: false');
  assert.deepEqual(errorsOfYaml(fixed), []);
});

test('running_concurrency: KEYS is rejected at every level, keys is accepted', () => {
  for (const [where, wrap] of [
    ['top level', (line: string) => line],
    ['task: level', (line: string) => `task:\n  ${line}`],
    ['per-task section', (line: string) => `task:\n  src.tasks.billing.chargeCard:\n    ${line}`],
  ] as const) {
    const errors = errorsOfYaml(wrap('running_concurrency: KEYS'));
    assert.equal(errors.length, 1, where);
    assert.equal(errors[0].keyword, 'enum', where);
    assert.deepEqual(errors[0].params, { allowedValues: ['disabled', 'task', 'arguments', 'keys'] }, where);
    assert.deepEqual(errorsOfYaml(wrap('running_concurrency: keys')), [], where);
    assert.equal(errorsOfYaml(wrap('registration_concurrency: Keys')).length, 1, where);
  }
});

test('every field of the table is described at the top level, under task: and in a per-task section', () => {
  const definitions = schema.definitions as Record<string, JsonSchema>;
  const properties = schema.properties as Record<string, JsonSchema>;
  const classLevel = (properties.task as { properties: Record<string, JsonSchema> }).properties;
  const perTask = (definitions.taskSection as { properties: Record<string, JsonSchema> }).properties;
  for (const spec of FIELDS) {
    const field = definitions[spec.name];
    assert.equal(field.title, spec.summary, spec.name);
    assert.equal(field.description, spec.description, spec.name);
    assert.match(String(field.markdownDescription), /Default: `/, spec.name);
    assert.deepEqual(field.default, spec.default, spec.name);
    const expectedType = { int: 'integer', bool: 'boolean', enum: 'string', stringList: 'array', exceptionList: 'array' }[spec.type];
    assert.equal(field.type, expectedType, spec.name);
    if (spec.enumValues) {
      assert.deepEqual(field.enum, [...spec.enumValues], spec.name);
      for (const value of spec.enumValues) assert.equal(value, value.toLowerCase(), `${spec.name}: ${value} is lowercase`);
    }
    for (const level of [properties, classLevel, perTask]) assert.deepEqual(level[spec.name], { $ref: `#/definitions/${spec.name}` }, spec.name);
  }
});

test('per-task sections are keyed <module>.<function>; an unknown field or key is rejected', () => {
  assert.deepEqual(errorsOfYaml('task:\n  src.tasks.email.sendEmail:\n    max_retries: 3\n  "a.b":\n    call_result_cache: true\n'), []);
  assert.deepEqual(complaints(YAML.parse('task:\n  src.tasks.email.sendEmail:\n    maxRetries: 3\n')), ['/task/src.tasks.email.sendEmail additionalProperties']);
  // Not a field and not a task id (no dot): nothing the runtime reads.
  assert.deepEqual(complaints(YAML.parse('task:\n  sendEmail:\n    max_retries: 3\n')), ['/task additionalProperties']);
  assert.deepEqual(complaints(YAML.parse('task:\n  src.tasks.email.sendEmail: 3\n')), ['/task/src.tasks.email.sendEmail type']);
});

test('pynenc\'s other top-level sections are allowed, any other top-level key is not', () => {
  const sections = Object.fromEntries(KNOWN_PYNENC_SECTIONS.filter((name) => name !== 'task').map((name) => [name, { anything: 1 }]));
  assert.deepEqual(errorsOf(sections), []);
  assert.deepEqual(errorsOfYaml('app_id: shop\nbroker:\n  redis_url: redis://localhost\nlogging_level: info\n'), []);
  assert.deepEqual(complaints(YAML.parse('max_retry: 3\n')), [' additionalProperties']);
});

test('values of the wrong type are rejected, as the runtime would fail on them or read them otherwise', () => {
  assert.deepEqual(complaints({ max_retries: 'three' }), ['/max_retries type']);
  assert.deepEqual(complaints({ max_retries: -1 }), ['/max_retries minimum']);
  assert.deepEqual(complaints({ parallel_batch_size: 2.5 }), ['/parallel_batch_size type']);
  assert.deepEqual(complaints({ call_result_cache: 'false' }), ['/call_result_cache type']);
  assert.deepEqual(complaints({ disable_cache_args: ['*'], key_arguments: ['user_id'] }), []);
  assert.deepEqual(complaints({ retry_for: ['src.errors.NetworkError', 'builtins.TypeError'] }), []);
  // A bare class name cannot be imported by the runtime; an empty module or class name resolves to nothing.
  assert.deepEqual(complaints({ retry_for: ['ValueError', '.X', 'a.'] }), ['/retry_for/0 pattern', '/retry_for/1 pattern', '/retry_for/2 pattern']);
});

test('bench/tasklens-config.schema.json is the generated schema (npm run build && node scripts/write-schema.mjs)', () => {
  const committed = fs.readFileSync(path.join(REPO_ROOT, 'bench', 'tasklens-config.schema.json'), 'utf8');
  assert.equal(committed, JSON.stringify(schema, null, 2) + '\n');
});
