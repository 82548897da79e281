// SPEC §4, one rule a test: which source wins, and the provenance the resolver
// reports for the winner and for what it shadows.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FieldName, resolveScenario, Scenario, sourceToJson } from '../../server/src/resolver';
import { resolve, summary } from './resolverHelpers';

function field(s: Partial<Scenario>, name: FieldName) {
  return summary(resolve(s).fields[name]);
}

test('nothing set: the default, unconverted, with no shadowed sources', () => {
  assert.deepEqual(field({}, 'retry_for'), { value: ['tasklens.RetryError'], source: { kind: 'default' }, shadowed: [] });
  assert.deepEqual(field({}, 'max_retries'), { value: 0, source: { kind: 'default' }, shadowed: [] });
});

test('task() options beat a generic config_values key (they are merged into it as top-level keys)', () => {
  assert.deepEqual(field({ configValues: { max_retries: 1 }, taskOptions: { max_retries: 2 } }, 'max_retries'), {
    value: 2,
    source: { kind: 'task_options' },
    shadowed: [{ kind: 'config_values', level: 'generic', value: 1 }],
  });
});

test('config_values task.F (class level) beats task() options', () => {
  assert.deepEqual(field({ configValues: { task: { max_retries: 3 } }, taskOptions: { max_retries: 2 } }, 'max_retries'), {
    value: 3,
    source: { kind: 'config_values', level: 'class' },
    shadowed: [{ kind: 'task_options', value: 2 }],
  });
});

test('config_values task["K"].F (task level) beats class level; the key is the literal dotted id', () => {
  const configValues = { task: { max_retries: 3, 'src.tasks.email.sendEmail': { max_retries: 4 }, 'src.tasks.email.other': { max_retries: 9 } } };
  assert.deepEqual(field({ configValues }, 'max_retries'), {
    value: 4,
    source: { kind: 'config_values', level: 'task' },
    shadowed: [{ kind: 'config_values', level: 'class', value: 3 }],
  });
});

test('a later mapping wins whatever the level: pyproject generic beats config_values task level', () => {
  const files = { 'pyproject.toml': '[project]\nname = "x"\n\n[tool.pynenc]\nmax_retries = 5\n' };
  const configValues = { task: { 'src.tasks.email.sendEmail': { max_retries: 4 } } };
  assert.deepEqual(field({ configValues, files }, 'max_retries'), {
    value: 5,
    source: { kind: 'pyproject', file: 'pyproject.toml', line: 5, level: 'generic' },
    shadowed: [{ kind: 'config_values', level: 'task', value: 4 }],
  });
});

test('pyproject.toml contributes only [tool.pynenc]; a per-task table must be quoted', () => {
  const files = { 'pyproject.toml': 'max_retries = 8\n[tool.pynenc.task."src.tasks.email.sendEmail"]\nmax_retries = 6\n' };
  assert.deepEqual(field({ files }, 'max_retries'), {
    value: 6,
    source: { kind: 'pyproject', file: 'pyproject.toml', line: 3, level: 'task' },
    shadowed: [],
  });
});

test('the config file beats pyproject.toml, PYNENC__FILEPATH beats it, PYNENC__CONFIGTASK__FILEPATH beats that', () => {
  const files = {
    'pyproject.toml': '[tool.pynenc]\nmax_retries = 1\n',
    'config.yaml': 'max_retries: 2\n',
    'env.json': '{"max_retries": 3}',
    'class.toml': 'max_retries = 4\n',
  };
  const env = { PYNENC__FILEPATH: 'env.json', PYNENC__CONFIGTASK__FILEPATH: 'class.toml' };
  assert.deepEqual(field({ files, configFilepath: 'config.yaml', env }, 'max_retries'), {
    value: 4,
    source: { kind: 'env_class_filepath', file: 'class.toml', line: 1, level: 'generic' },
    shadowed: [
      { kind: 'env_filepath', file: 'env.json', line: 1, level: 'generic', value: 3 },
      { kind: 'config_file', file: 'config.yaml', line: 1, level: 'generic', value: 2 },
      { kind: 'pyproject', file: 'pyproject.toml', line: 2, level: 'generic', value: 1 },
    ],
  });
});

test('an empty config_filepath, PYNENC__FILEPATH or PYNENC__CONFIGTASK__FILEPATH counts as absent', () => {
  const result = field({ configFilepath: '', env: { PYNENC__FILEPATH: '', PYNENC__CONFIGTASK__FILEPATH: '' } }, 'max_retries');
  assert.deepEqual(result, { value: 0, source: { kind: 'default' }, shadowed: [] });
});

test('inside one mapping: generic < task.F < task["K"].F, each with its line', () => {
  const files = { 'config.yaml': 'max_retries: 1\ntask:\n  max_retries: 2\n  src.tasks.email.sendEmail:\n    max_retries: 3\n' };
  assert.deepEqual(field({ files, configFilepath: 'config.yaml' }, 'max_retries'), {
    value: 3,
    source: { kind: 'config_file', file: 'config.yaml', line: 5, level: 'task' },
    shadowed: [
      { kind: 'config_file', file: 'config.yaml', line: 3, level: 'class', value: 2 },
      { kind: 'config_file', file: 'config.yaml', line: 1, level: 'generic', value: 1 },
    ],
  });
});

test('a non-mapping value at task or task.K is skipped', () => {
  const files = { 'c.yaml': 'max_retries: 1\ntask: 5\n', 'd.yaml': 'task:\n  max_retries: 2\n  src.tasks.email.sendEmail: 7\n' };
  assert.equal(field({ files, configFilepath: 'c.yaml' }, 'max_retries').value, 1);
  assert.deepEqual(field({ files, configFilepath: 'd.yaml' }, 'max_retries').source, { kind: 'config_file', file: 'd.yaml', line: 2, level: 'class' });
});

test('lookups are exact and case-sensitive', () => {
  const files = { 'c.yaml': 'Max_Retries: 9\ntask:\n  SRC.TASKS.EMAIL.SENDEMAIL:\n    max_retries: 8\n' };
  assert.deepEqual(field({ files, configFilepath: 'c.yaml' }, 'max_retries'), { value: 0, source: { kind: 'default' }, shadowed: [] });
});

test('env vars beat every mapping; per-task beats PYNENC__CONFIGTASK__F beats PYNENC__F', () => {
  const files = { 'c.yaml': 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 3\n' };
  const env = { PYNENC__MAX_RETRIES: '4', PYNENC__CONFIGTASK__MAX_RETRIES: '5', 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES': '6' };
  assert.deepEqual(field({ files, configFilepath: 'c.yaml', env }, 'max_retries'), {
    value: 6,
    source: { kind: 'env', key: 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES' },
    shadowed: [
      { kind: 'env', key: 'PYNENC__CONFIGTASK__MAX_RETRIES', value: '5' },
      { kind: 'env', key: 'PYNENC__MAX_RETRIES', value: '4' },
      { kind: 'config_file', file: 'c.yaml', line: 3, level: 'task', value: 3 },
    ],
  });
});

test('per-task env names upper-case module and function with full Unicode case mapping', () => {
  const taskId = { module: 'app.straße', func: 'größe' };
  const result = resolveScenario({ taskId, env: { 'PYNENC__CONFIGTASK__APP.STRASSE#GRÖSSE__MAX_RETRIES': '2', 'PYNENC__CONFIGTASK__app.straße#größe__MAX_RETRIES': '9' } });
  assert.deepEqual(summary(result.fields.max_retries).source, { kind: 'env', key: 'PYNENC__CONFIGTASK__APP.STRASSE#GRÖSSE__MAX_RETRIES' });
  assert.equal(result.fields.max_retries.value, 2);
});

test('an env var that is set but empty counts as found', () => {
  const result = field({ configValues: { call_result_cache: true }, env: { PYNENC__CONFIGTASK__CALL_RESULT_CACHE: '' } }, 'call_result_cache');
  assert.deepEqual(result, { value: false, source: { kind: 'env', key: 'PYNENC__CONFIGTASK__CALL_RESULT_CACHE' }, shadowed: [{ kind: 'config_values', level: 'generic', value: true }] });
});

test('a null in config_values counts as found: false for a bool, an error for an int', () => {
  assert.deepEqual(field({ configValues: { force_new_workflow: null } }, 'force_new_workflow'), { value: false, source: { kind: 'config_values', level: 'generic' }, shadowed: [] });
  const broken = field({ configValues: { max_retries: null } }, 'max_retries');
  assert.equal(broken.value, undefined);
  assert.match(broken.error ?? '', /max_retries: expected an integer, got None \(from config_values\)/);
});

test('a null task() option is dropped, so the next source shows through', () => {
  assert.deepEqual(field({ configValues: { max_retries: 1 }, taskOptions: { max_retries: null } }, 'max_retries').source, { kind: 'config_values', level: 'generic' });
});

test('a file that fails to load makes every field an error naming it, even where env vars are set', () => {
  const result = resolve({ configFilepath: 'missing.yaml', env: { PYNENC__MAX_RETRIES: '3' } });
  for (const f of Object.values(result.fields)) {
    assert.equal(f.value, undefined);
    assert.equal(f.error, 'Configuration file not found: missing.yaml');
    assert.deepEqual(sourceToJson(f.source), { kind: 'config_file', file: 'missing.yaml' });
  }
  // What the rest would give, for the editor's hover.
  assert.equal(result.fields.max_retries.fromParsedParts?.value, 3);
});

test('the config file format comes from the extension, case-insensitively; no extension or a double one is unsupported', () => {
  const files = { 'C.JSON': '{"max_retries": 2}', '.yaml': 'max_retries: 3\n', 'config.yaml.bak': 'max_retries: 4\n' };
  assert.equal(field({ files, configFilepath: 'C.JSON' }, 'max_retries').value, 2);
  assert.equal(field({ files, configFilepath: '.yaml' }, 'max_retries').error, 'Unsupported file extension in .yaml');
  assert.equal(field({ files, configFilepath: 'config.yaml.bak' }, 'max_retries').error, 'Unsupported file extension in config.yaml.bak');
});

test('any config file whose path contains pyproject.toml contributes only tool.pynenc', () => {
  const files = { 'sub/PyProject.toml': 'max_retries = 9\n[tool.pynenc]\nmax_retries = 2\n' };
  assert.deepEqual(field({ files, configFilepath: 'sub/PyProject.toml' }, 'max_retries').source, { kind: 'config_file', file: 'sub/PyProject.toml', line: 3, level: 'generic' });
});

test('a tool.pynenc that is not a table makes every field an error', () => {
  const result = resolve({ files: { 'pyproject.toml': '[tool]\npynenc = 5\n' } });
  assert.match(result.fields.parallel_batch_size.error ?? '', /'tool\.pynenc' is not a table/);
  assert.deepEqual(sourceToJson(result.fields.parallel_batch_size.source), { kind: 'pyproject', file: 'pyproject.toml', line: 2 });
});
