// A value of many kilobytes (a pasted blob, a generated list) is quoted
// shortened in every message and hover (issue 9: a 5 MB value was copied whole
// into a TL003 message and a 10 MB hover).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { hoverText, messageOf } from './assertions';
import { features, fixture } from './harness';

const LONG = 'x'.repeat(50_000);
/** A few hundred characters of quoted value, plus the sentence around it. */
const MESSAGE_LIMIT = 700;
const HOVER_LIMIT = 4_000;

test('messages and hovers quote a 50,000-character value shortened, in config and .env', () => {
  const w = fixture('app');
  const config = [
    `max_retries: "${LONG}"`,
    'task:',
    '  src.tasks.email.sendEmail:',
    `    call_result_cache: "${LONG}"`,
    `    running_concurrency: ${LONG}`,
    `    retry_for: [${LONG}]`,
    `    key_arguments: ${LONG}`,
    `    disable_cache_args: ["${LONG}"]`,
    '',
  ].join('\n');
  w.ws.setOverlay('config.yaml', config);
  w.ws.setOverlay('.env', `PYNENC__CONFIGTASK__MAX_RETRIES=${LONG}\nPYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__KEY_ARGUMENTS=${LONG}\n`);
  for (const file of ['config.yaml', '.env']) {
    const diagnostics = features.diagnose(w.ws, file);
    assert.ok(diagnostics.length >= 2, file);
    for (const d of diagnostics) assert.ok(messageOf(d).length <= MESSAGE_LIMIT, `${file} ${String(d.code)}: ${messageOf(d).length} characters`);
  }
  const hoverAt = (file: string, offset: number) => hoverText(features.hover(w.ws, file, offset));
  for (const key of ['max_retries', 'src.tasks.email', 'call_result_cache', 'running_concurrency', 'retry_for', 'key_arguments', 'disable_cache_args']) {
    const at = config.indexOf(key);
    for (const offset of [at, at + key.length + 6]) {
      const text = hoverAt('config.yaml', offset);
      assert.ok(text.length <= HOVER_LIMIT, `hover at ${key} (+${offset - at}): ${text.length} characters`);
    }
  }
  assert.ok(hoverAt('.env', 3).length <= HOVER_LIMIT);
});

test('messages quote a 50,000-character key shortened: unknown fields, per-task sections, env var names', () => {
  const w = fixture('app');
  w.ws.setOverlay('config.yaml', `${LONG}: 1\ntask:\n  ${LONG}y: 1\n  src.tasks.${LONG}.f:\n    max_retries: 1\n    ${LONG}z: 2\n`);
  w.ws.setOverlay('.env', `PYNENC__CONFIGTASK__${LONG.toUpperCase()}=1\nPYNENC__CONFIGTASK__SRC.TASKS.${LONG.toUpperCase()}#F__MAX_RETRIES=1\n`);
  for (const file of ['config.yaml', '.env']) {
    const diagnostics = features.diagnose(w.ws, file);
    assert.ok(diagnostics.length >= 2, file);
    for (const d of diagnostics) assert.ok(messageOf(d).length <= MESSAGE_LIMIT, `${file} ${String(d.code)}: ${messageOf(d).length} characters`);
  }
});
