// ConfigTask, the runtime-facing API: fields read as effective values, a bad
// value raises when read (as pynenc does), and options round-trip through JSON.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ConfigTask, ConfigTaskError } from '../../server/src/resolver';

const files = { readText: (p: string) => ({ 'config.yaml': 'task:\n  src.jobs.sync:\n    max_retries: 5\n    running_concurrency: KEYS\n' } as Record<string, string>)[p] };

test('fields read as their effective values, with provenance one call away', () => {
  const config = new ConfigTask('src.jobs.sync', { configFilepath: 'config.yaml', files, taskOptions: { max_retries: 2, call_result_cache: true }, env: { PYNENC__CONFIGTASK__CALL_RESULT_CACHE: '' } });
  assert.equal(config.max_retries, 5);
  assert.equal(config.call_result_cache, false);
  assert.deepEqual(config.retry_for, ['tasklens.RetryError']);
  assert.deepEqual(config.field('max_retries').source, { kind: 'config_file', file: 'config.yaml', line: 3, level: 'task', start: 40, end: 41 });
  assert.equal(config.field('max_retries').shadowed[0].source.kind, 'task_options');
});

test('reading a field whose value the runtime refuses raises ConfigTaskError naming it', () => {
  const config = new ConfigTask({ module: 'src.jobs', func: 'sync' }, { configFilepath: 'config.yaml', files });
  assert.throws(() => config.running_concurrency, (e: unknown) => e instanceof ConfigTaskError && e.field === 'running_concurrency' && /'KEYS' is not a valid ConcurrencyControlType/.test(e.message));
  assert.equal(config.registration_concurrency, 'disabled');
});

test('options round-trip through JSON: enums as values, exceptions as qualified names', () => {
  const config = new ConfigTask('a.b', { taskOptions: { running_concurrency: 'keys', retry_for: ['builtins.TypeError'], max_retries: 3 } });
  const json = config.optionsToJson();
  assert.equal(json, '{"running_concurrency":"keys","retry_for":["builtins.TypeError"],"max_retries":3}');
  assert.deepEqual(ConfigTask.optionsFromJson(json), { running_concurrency: 'keys', retry_for: ['builtins.TypeError'], max_retries: 3 });
  assert.throws(() => ConfigTask.optionsFromJson('{"running_concurrency": "KEYS"}'), /not a valid ConcurrencyControlType/);
  assert.throws(() => new ConfigTask('nodot'), /not a task id/);
});
