// SPEC §5, one conversion a test: the value the runtime ends up with, and the
// source it is reported from.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FieldName, nodeToPlain, sourceToJson } from '../../server/src/resolver';
import { resolve } from './resolverHelpers';

function fromYaml(yaml: string, field: FieldName) {
  const f = resolve({ files: { 'c.yaml': yaml }, configFilepath: 'c.yaml' }).fields[field];
  return { value: f.value, error: f.error, source: sourceToJson(f.source) };
}

function fromEnv(value: string, field: FieldName) {
  const key = `PYNENC__CONFIGTASK__${field.toUpperCase()}`;
  const f = resolve({ env: { [key]: value } }).fields[field];
  return { value: f.value, error: f.error, source: sourceToJson(f.source) };
}

function fromValues(value: unknown, field: FieldName) {
  const f = resolve({ configValues: { [field]: value } }).fields[field];
  return { value: f.value, error: f.error, source: sourceToJson(f.source) };
}

const YAML_SOURCE = { kind: 'config_file', file: 'c.yaml', line: 1, level: 'generic' };

test('int: an int is kept, a bool is kept (Python bool is an int)', () => {
  assert.deepEqual(fromYaml('max_retries: 3\n', 'max_retries'), { value: 3, error: undefined, source: YAML_SOURCE });
  assert.deepEqual(fromYaml('max_retries: true\n', 'max_retries'), { value: true, error: undefined, source: YAML_SOURCE });
});

test('int: a finite float is truncated toward zero; infinity and NaN are errors', () => {
  assert.equal(fromYaml('max_retries: 3.7\n', 'max_retries').value, 3);
  assert.equal(fromYaml('max_retries: -2.5\n', 'max_retries').value, -2);
  const inf = fromYaml('max_retries: .inf\n', 'max_retries');
  assert.equal(inf.value, undefined);
  assert.match(inf.error ?? '', /^max_retries: .* not a finite number.*\(from c\.yaml:1\)$/);
  assert.equal(fromYaml('max_retries: .nan\n', 'max_retries').value, undefined);
});

test('int: a string is parsed like Python int(): whitespace, sign, underscores between digits', () => {
  assert.deepEqual(fromEnv(' 12 ', 'max_retries'), { value: 12, error: undefined, source: { kind: 'env', key: 'PYNENC__CONFIGTASK__MAX_RETRIES' } });
  assert.equal(fromEnv('+4', 'max_retries').value, 4);
  assert.equal(fromEnv('-7', 'max_retries').value, -7);
  assert.equal(fromEnv('1_000', 'max_retries').value, 1000);
  for (const bad of ['2.5', 'abc', '1__0', '_1', '0x1F', '']) {
    const result = fromEnv(bad, 'max_retries');
    assert.equal(result.value, undefined, bad);
    assert.match(result.error ?? '', /is not an integer \(from PYNENC__CONFIGTASK__MAX_RETRIES\)$/, bad);
  }
});

test('int: a list, a mapping or a null is an error', () => {
  assert.match(fromYaml('max_retries: [1]\n', 'max_retries').error ?? '', /expected an integer, got list/);
  assert.match(fromYaml('max_retries: {a: 1}\n', 'max_retries').error ?? '', /expected an integer, got dict/);
  // YAML null is read as '' at any depth, and int('') fails.
  assert.match(fromYaml('max_retries:\n', 'max_retries').error ?? '', /'' is not an integer/);
});

test('bool: a bool is kept; otherwise Python truthiness, so "false", "0" and "no" are TRUE', () => {
  assert.equal(fromYaml('call_result_cache: false\n', 'call_result_cache').value, false);
  for (const text of ['false', '0', 'no', 'False', ' ']) assert.equal(fromEnv(text, 'call_result_cache').value, true, text);
  assert.equal(fromEnv('', 'call_result_cache').value, false);
  assert.equal(fromValues(0, 'call_result_cache').value, false);
  assert.equal(fromValues([], 'call_result_cache').value, false);
  assert.equal(fromValues({}, 'call_result_cache').value, false);
  assert.deepEqual(fromYaml('call_result_cache: no\n', 'call_result_cache'), { value: true, error: undefined, source: YAML_SOURCE });
});

test('string list: a list is kept item by item, unconverted (YAML null items become "")', () => {
  assert.deepEqual(fromYaml('key_arguments: [1, true, null, a]\n', 'key_arguments'), { value: [1, true, '', 'a'], error: undefined, source: YAML_SOURCE });
});

test('string list: a string becomes its characters', () => {
  assert.deepEqual(fromEnv('id', 'key_arguments'), { value: ['i', 'd'], error: undefined, source: { kind: 'env', key: 'PYNENC__CONFIGTASK__KEY_ARGUMENTS' } });
  assert.deepEqual(fromYaml('disable_cache_args: a, b\n', 'disable_cache_args').value, ['a', ',', ' ', 'b']);
  assert.deepEqual(fromEnv('*', 'disable_cache_args').value, ['*']);
});

test('string list: a mapping becomes its keys, in document order for YAML, sorted for JSON', () => {
  assert.deepEqual(fromYaml('key_arguments: {b: 1, a: 2}\n', 'key_arguments').value, ['b', 'a']);
  const json = resolve({ files: { 'c.json': '{"key_arguments": {"b": 1, "a": 2}}' }, configFilepath: 'c.json' }).fields.key_arguments;
  assert.deepEqual(json.value, ['a', 'b']);
});

test('string list: a number, a bool or a null is an error', () => {
  for (const value of [3, true, null]) assert.match(fromValues(value, 'key_arguments').error ?? '', /expected a list of argument names/);
});

test('enum: exactly a lowercase value; KEYS, Keys and key are errors', () => {
  assert.deepEqual(fromYaml('running_concurrency: keys\n', 'running_concurrency'), { value: 'keys', error: undefined, source: YAML_SOURCE });
  for (const bad of ['KEYS', 'Keys', 'key', ' keys', '']) {
    const result = fromValues(bad, 'running_concurrency');
    assert.equal(result.value, undefined, bad);
    assert.match(result.error ?? '', /is not a valid ConcurrencyControlType value \(expected disabled, task, arguments or keys\)/, bad);
  }
  assert.match(fromValues(null, 'running_concurrency').error ?? '', /running_concurrency: None is not a valid ConcurrencyControlType/);
});

test('retry_for: qualified names resolve against the registry, order and duplicates kept', () => {
  const exceptions = [{ module: 'app.errors', name: 'NetworkError', extendsError: true }];
  const f = resolve({ configValues: { retry_for: ['app.errors.NetworkError', 'builtins.TypeError', 'app.errors.NetworkError'] }, exceptions }).fields.retry_for;
  assert.deepEqual(f.value, ['app.errors.NetworkError', 'builtins.TypeError', 'app.errors.NetworkError']);
  assert.deepEqual(sourceToJson(f.source), { kind: 'config_values', level: 'generic' });
});

test('retry_for: a bare name, an unknown class, a non-Error class or a non-string item is an error', () => {
  const exceptions = [{ module: 'app', name: 'Plain', extendsError: false }];
  const errorOf = (value: unknown) => resolve({ configValues: { retry_for: value }, exceptions }).fields.retry_for.error ?? '';
  assert.match(errorOf(['ValueError']), /'ValueError' is not a qualified exception name/);
  assert.match(errorOf(['nomodule.SomeError']), /cannot be found/);
  assert.match(errorOf(['.X']), /cannot be found/);
  assert.match(errorOf(['a.']), /cannot be found/);
  assert.match(errorOf(['app.Plain']), /does not extend Error/);
  assert.match(errorOf([123]), /expected exception names as strings, got int 123/);
  assert.match(errorOf(null), /expected a list of exception names, got None/);
});

test('retry_for: a string is iterated by character, so only "" works (it empties the list)', () => {
  assert.deepEqual(fromEnv('', 'retry_for'), { value: [], error: undefined, source: { kind: 'env', key: 'PYNENC__CONFIGTASK__RETRY_FOR' } });
  assert.match(fromEnv('builtins.Error', 'retry_for').error ?? '', /a single string, not a list/);
});

test('retry_for: a mapping gives its keys', () => {
  assert.deepEqual(fromYaml('retry_for: {builtins.TypeError: 1}\n', 'retry_for').value, ['builtins.TypeError']);
});

test('YAML 1.2 core schema: yes/no/on/off are strings, 0o17 and 0x1F are ints, 1_000 is a string', () => {
  assert.match(fromYaml('max_retries: yes\n', 'max_retries').error ?? '', /'yes' is not an integer/);
  assert.equal(fromYaml('max_retries: 0o17\n', 'max_retries').value, 15);
  assert.equal(fromYaml('max_retries: 0x1F\n', 'max_retries').value, 31);
  // 1_000 is an int in YAML 1.1 only: in 1.2 it is the string '1_000'. Where a
  // list is expected, a string becomes its characters and an int is an error,
  // so the two readings differ there.
  assert.deepEqual(fromYaml('key_arguments: 1_000\n', 'key_arguments').value, ['1', '_', '0', '0', '0']);
  assert.match(fromYaml('key_arguments: 1000\n', 'key_arguments').error ?? '', /expected a list of argument names, got int 1000/);
  // For an int field the string is parsed as Python int() parses it: underscores between digits.
  assert.deepEqual(fromYaml('max_retries: 1_000\n', 'max_retries'), { value: 1000, error: undefined, source: YAML_SOURCE });
  // And the value in force, before conversion, is that string (as hover and explain show it).
  const winner = resolve({ files: { 'c.yaml': 'max_retries: 1_000\n' }, configFilepath: 'c.yaml' }).fields.max_retries.winner;
  assert.deepEqual(winner && { type: winner.node.type, value: nodeToPlain(winner.node) }, { type: 'string', value: '1_000' });
});

test('YAML mapping keys: integers become their text, floats and booleans are dropped', () => {
  const taskId = { module: '1', func: '2' };
  const quoted = resolve({ taskId, files: { 'c.yaml': 'task:\n  "1.2":\n    max_retries: 9\n' }, configFilepath: 'c.yaml' });
  assert.equal(quoted.fields.max_retries.value, 9);
  const plain = resolve({ taskId, files: { 'c.yaml': 'task:\n  1.2:\n    max_retries: 9\n' }, configFilepath: 'c.yaml' });
  assert.equal(plain.fields.max_retries.value, 0);
  const intKey = resolve({ files: { 'c.yaml': 'key_arguments: {7: a, true: b}\n' }, configFilepath: 'c.yaml' });
  assert.deepEqual(intKey.fields.key_arguments.value, ['7']);
});

test('TOML dates are read as their RFC 3339 text', () => {
  const f = resolve({ files: { 'c.toml': 'key_arguments = 1979-05-27\n' }, configFilepath: 'c.toml' }).fields.key_arguments;
  assert.deepEqual(f.value, Array.from('1979-05-27'));
});

test('YAML loading: a second document, a duplicate key and merge keys', () => {
  assert.match(fromYaml('max_retries: 1\n---\nmax_retries: 2\n', 'max_retries').error ?? '', /Invalid YAML file c\.yaml: a second YAML document/);
  assert.match(fromYaml('task:\n  max_retries: 1\n  max_retries: 2\n', 'max_retries').error ?? '', /duplicate entry with key "max_retries"/);
  // `<<` is a literal key: the merged fields do nothing.
  assert.equal(fromYaml('base: &b {max_retries: 4}\n<<: *b\n', 'max_retries').value, 0);
  // Aliases are expanded.
  assert.equal(fromYaml('base: &n 6\nmax_retries: *n\n', 'max_retries').value, 6);
});

test('JSON loading: duplicate keys are allowed, the last wins; a non-object root reads as empty', () => {
  const dup = resolve({ files: { 'c.json': '{"max_retries": 1, "max_retries": 2}' }, configFilepath: 'c.json' }).fields.max_retries;
  assert.equal(dup.value, 2);
  const list = resolve({ files: { 'c.json': '[1, 2]' }, configFilepath: 'c.json' }).fields.max_retries;
  assert.deepEqual(sourceToJson(list.source), { kind: 'default' });
  const bad = resolve({ files: { 'c.json': '{"max_retries": }' }, configFilepath: 'c.json' }).fields.max_retries;
  assert.match(bad.error ?? '', /^Invalid JSON file c\.json: /);
});
