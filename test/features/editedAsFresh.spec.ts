// A document reached by edits answers as a fresh open of its final text: each
// test is the smallest repro of a disagreement the differential test
// (test/e2e/differential.test.ts) found. The edits go in as the server sends
// them (`setOverlay` with the edit in offsets), with diagnostics asked for in
// between, so the caches of each intermediate state are in play.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { editBetween } from './text';
import { codes, describeDiagnostics, hoverText } from './assertions';
import { features, fixture, FixtureWorkspace } from './harness';
import { BlockText, useBlockSize } from '../../server/src/analysis/blockText';
import { taskGroupChange } from '../../server/src/analysis/yamlChunks';
import { MapNode } from '../../server/src/resolver';


/**
 * Opens `file` with `texts[0]` in a workspace over the `app` fixture, edits it
 * into each next text (diagnosing every version), and returns that workspace
 * and a fresh one that only opened the last text.
 */
function editedAndFresh(file: string, texts: readonly string[]): { edited: FixtureWorkspace; fresh: FixtureWorkspace } {
  const edited = fixture('app');
  edited.ws.setOverlay(file, texts[0]);
  features.diagnose(edited.ws, file);
  for (let i = 1; i < texts.length; i++) {
    edited.ws.setOverlay(file, texts[i], editBetween(texts[i - 1], texts[i]));
    features.diagnose(edited.ws, file);
  }
  const fresh = fixture('app');
  fresh.ws.setOverlay(file, texts[texts.length - 1]);
  return { edited, fresh };
}

function assertSameDiagnostics(file: string, texts: readonly string[]): ReturnType<typeof features.diagnose> {
  const { edited, fresh } = editedAndFresh(file, texts);
  const expected = features.diagnose(fresh.ws, file);
  assert.deepEqual(features.diagnose(edited.ws, file), expected, describeDiagnostics(expected));
  return expected;
}

describe('an edited config answers as a fresh open', () => {
  test('a class-level field written as a mapping is part of what per-task problems depend on (no stale TL011)', () => {
    const before = 'task:\n  key_arguments: {}\n  src.tasks.email.sendEmail:\n    running_concurrency: keys\n';
    const after = before.replace('{}', '{to: 1}');
    assert.deepEqual(codes(assertSameDiagnostics('config.yaml', [before])), ['TL011']);
    assert.ok(!codes(assertSameDiagnostics('config.yaml', [before, after])).includes('TL011'));
    // Renamed: the mapping now sets another field, and the task's own value is checked against it.
    const renamed = before.replace('key_arguments: {}', 'registration_concurrency: {to: 1}');
    assertSameDiagnostics('config.yaml', [before, renamed]);
  });
});

describe('an edit inside a per-task section (the task: mapping updated, not read again)', () => {
  test("a class-level value's checks follow a per-task value they depend on, as in a fresh open", () => {
    // key_arguments reaches sendEmail, where it has no effect (TL010) until its own running_concurrency is keys.
    const before = 'task:\n  key_arguments: [to]\n  max_retries: 2\n  src.tasks.billing.refund:\n    max_retries: 1\n  src.tasks.email.sendEmail:\n    running_concurrency: task\n';
    const after = before.replace('running_concurrency: task', 'running_concurrency: keys');
    assert.ok(codes(assertSameDiagnostics('config.yaml', [before])).includes('TL010'));
    assert.ok(!codes(assertSameDiagnostics('config.yaml', [before, after])).includes('TL010'));
    assert.ok(codes(assertSameDiagnostics('config.yaml', [before, after, before])).includes('TL010'));
    // The edit took the shortcut: the mapping records what it was made from.
    const { edited } = editedAndFresh('config.yaml', [before, after]);
    assert.ok(taskGroupChange(edited.ws.configDocument('config.yaml')!.taskSection!.value as MapNode));
  });
});

describe('problems reused from an earlier version of a per-task section', () => {
  test('a problem with no place of its own stays at the start of the file when its section moves', () => {
    // `{running_concurrency}` has no value, and so no location: the problem sits at 0 in a fresh read.
    const before = 'task:\n  max_retries: 1\n  src.tasks.email.sendEmail: {running_concurrency}\n';
    for (const after of ['# a comment\n' + before, before.replace('task:\n', 'task:\n  call_result_cache: true\n')]) {
      const diagnostics = assertSameDiagnostics('config.yaml', [before, after]);
      assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['TL004', 0]], describeDiagnostics(diagnostics));
    }
  });

  test('a syntax error that an edit above runs into a kept section makes its values unchecked, as in a fresh read', () => {
    // The file already fails to load (a duplicate key); then a stray `]` leaves the rest of it
    // unreadable: the whole parse reports errors inside the next section's values.
    const before = 'task:\n  src.z.z:\n    max_retries: 1\n    max_retries: 2\n  src.a.f:\n    registration_concurrency: "keys"\n    max_retries: 1\n  src.tasks.email.sendEmail:\n    registration_concurrency: Keys\n';
    const after = before.replace('"keys"\n', '"keys"\t ]\n');
    assert.ok(codes(assertSameDiagnostics('config.yaml', [before])).includes('TL004'));
    assert.ok(!codes(assertSameDiagnostics('config.yaml', [before, after])).includes('TL004'));
  });
});

describe('a config file that is also named by PYNENC__CONFIGTASK__FILEPATH', () => {
  test('TL014 names the line that beats the value as it is now, after a line is added above', () => {
    const env = 'PYNENC__CONFIGTASK__FILEPATH=config.yaml\n';
    const before = 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 3\n';
    const after = '# a comment\n' + before;
    const edited = fixture('app', { files: { '.env': env } });
    edited.ws.setOverlay('config.yaml', before);
    features.diagnose(edited.ws, 'config.yaml');
    edited.ws.setOverlay('config.yaml', after, editBetween(before, after));
    const fresh = fixture('app', { files: { '.env': env } });
    fresh.ws.setOverlay('config.yaml', after);
    const expected = features.diagnose(fresh.ws, 'config.yaml');
    assert.match(String(expected.find((d) => d.code === 'TL014')?.message), /overridden by config\.yaml:4\b/, describeDiagnostics(expected));
    assert.deepEqual(features.diagnose(edited.ws, 'config.yaml'), expected);
  });
});

describe("what the runtime's reader refuses, typed into a section read on its own", () => {
  test('a tab after a key, an alias with no anchor, a tag with no constructor: TL001 as in a fresh open, gone again when taken back', () => {
    const before = 'max_retries: 1\ntask:\n  src.tasks.email.sendEmail:\n    max_retries: 3\n  src.tasks.email.other:\n    call_result_cache: true\n';
    for (const typed of ['max_retries:\t3', 'max_retries: 3\t', 'max_retries: *three', 'max_retries: !int 3']) {
      const after = before.replace('max_retries: 3', typed);
      assert.ok(codes(assertSameDiagnostics('config.yaml', [before, after])).includes('TL001'), typed);
      assert.ok(!codes(assertSameDiagnostics('config.yaml', [before, after, before])).includes('TL001'), typed);
    }
  });
});

describe('a class-level value when an edit elsewhere makes the file fail to load', () => {
  test('its hover reaches no task, as in a fresh open (the reach kept from when the file loaded was shown)', () => {
    // The edit puts a section under the one above it: the file no longer loads, and the
    // sections, read on their own, are the same objects with the same keys as before.
    const before = 'task:\n  src.tasks.email.sendEmail: {}\n  other.mod.f:\n    max_retries: 1\n  registration_concurrency: keys\n';
    const after = before.replace('  other.mod.f:\n    max_retries: 1\n', '    other.mod.f:\n      max_retries: 1\n');
    const at = after.indexOf('registration_concurrency') + 4;
    for (const askFirst of ['hover', 'diagnostics']) {
      const edited = fixture('app');
      edited.ws.setOverlay('config.yaml', before);
      if (askFirst === 'hover') features.hover(edited.ws, 'config.yaml', before.indexOf('registration_concurrency') + 4);
      else features.diagnose(edited.ws, 'config.yaml');
      edited.ws.setOverlay('config.yaml', after, editBetween(before, after));
      const fresh = fixture('app');
      fresh.ws.setOverlay('config.yaml', after);
      const expected = hoverText(features.hover(fresh.ws, 'config.yaml', at));
      assert.match(expected, /Reaches 0 of 4 tasks/);
      assert.equal(hoverText(features.hover(edited.ws, 'config.yaml', at)), expected, askFirst);
    }
  });
});

describe('an editor text in blocks, edited as the server edits it', () => {
  const before = 'max_retries: 1\ntask:\n  src.tasks.email.sendEmail:\n    max_retries: 3\n    retry_for: [builtins.ValueError]\n  src.tasks.email.other:\n    call_result_cache: true\n';
  /** `texts` as BlockText versions, each from the previous by its edit; diagnostics read only where `readAfter` says. */
  function typedInBlocks(texts: readonly string[], readAfter: (i: number) => boolean): FixtureWorkspace {
    useBlockSize(16);
    try {
      const edited = fixture('app');
      let source = BlockText.of(texts[0]);
      edited.ws.setOverlay('config.yaml', source);
      features.diagnose(edited.ws, 'config.yaml');
      for (let i = 1; i < texts.length; i++) {
        const edit = editBetween(texts[i - 1], texts[i]);
        source = source.edited(edit.start, edit.oldEnd, texts[i].slice(edit.start, edit.newEnd));
        edited.ws.setOverlay('config.yaml', source, edit);
        if (readAfter(i)) features.diagnose(edited.ws, 'config.yaml');
      }
      return edited;
    } finally {
      useBlockSize(4096);
    }
  }

  test('keystrokes that come before the file is read again add up to one edit, and read as a fresh open', () => {
    const texts = [before, before.replace('max_retries: 3', 'max_retries: 37'), before.replace('max_retries: 3', 'max_retries: 375'), before.replace('max_retries: 3', 'max_retries: 375\n    retry_for: x').replace('    retry_for: [builtins.ValueError]\n', '')];
    for (const readAfter of [() => false, (i: number) => i === 2, () => true]) {
      const edited = typedInBlocks(texts, readAfter);
      const fresh = fixture('app');
      fresh.ws.setOverlay('config.yaml', texts[texts.length - 1]);
      const expected = features.diagnose(fresh.ws, 'config.yaml');
      assert.deepEqual(features.diagnose(edited.ws, 'config.yaml'), expected, describeDiagnostics(expected));
    }
  });

  test('a character typed over itself changes nothing, and the next edit still reads as a fresh open', () => {
    const at = before.indexOf('3\n');
    const edited = fixture('app');
    let source = BlockText.of(before);
    edited.ws.setOverlay('config.yaml', source);
    const first = features.diagnose(edited.ws, 'config.yaml');
    const version = edited.ws.stateVersion;
    source = source.edited(at, at + 1, '3');
    edited.ws.setOverlay('config.yaml', source, { start: at, oldEnd: at + 1, newEnd: at + 1 });
    assert.equal(edited.ws.stateVersion, version, 'nothing to check again');
    assert.deepEqual(features.diagnose(edited.ws, 'config.yaml'), first);
    const after = before.replace('max_retries: 3', 'max_retries: -3');
    source = source.edited(at, at, '-');
    edited.ws.setOverlay('config.yaml', source, { start: at, oldEnd: at, newEnd: at + 1 });
    const fresh = fixture('app');
    fresh.ws.setOverlay('config.yaml', after);
    assert.deepEqual(features.diagnose(edited.ws, 'config.yaml'), features.diagnose(fresh.ws, 'config.yaml'));
  });
});
