// SPEC §5 "Loading a config file" and §11 "Hostile and huge input": what each
// reader accepts and refuses, where it says things are, and that no input makes
// it hang, overflow the stack or copy a huge value into a message.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiskHost, invalidUtf8Offset } from '../../server/src/analysis/diskHost';
import { Workspace } from '../../server/src/analysis/workspace';
import { workspaceProblems } from '../../server/src/features/diagnostics';
import {
  ConfigNode, describeNode, LoadedConfig, MapNode, mapGet, nodeFromPlain, nodeToPlain, nodeToText, parseConfigText, parseYamlDocument,
  shortQuote, unreadableError,
} from '../../server/src/resolver';

function failure(loaded: LoadedConfig) {
  assert.equal(loaded.ok, false, 'the file fails to load');
  return (loaded as { error: { kind: string; reason: string; message: string; start?: number; line?: number } }).error;
}

function root(loaded: LoadedConfig): MapNode {
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.error.message);
  return (loaded as { root: MapNode }).root;
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

const NINE_LEVEL_BOMB = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill('*' + 'abcdefghi'[i]).join(',')}]`)].join('\n') + '\n';

test('YAML: a nested alias bomb fails to load in milliseconds, naming the alias expansion', () => {
  assert.ok(NINE_LEVEL_BOMB.length < 1024);
  const { value, ms } = timed(() => parseConfigText('config.yaml', NINE_LEVEL_BOMB));
  const error = failure(value);
  assert.equal(error.kind, 'syntax');
  assert.match(error.reason, /^aliases expand to more than 10,000 nodes/);
  assert.ok(ms < 500, `${ms} ms`);
  // The editor's tree stays small: aliases past the bound read as empty.
  const size = JSON.stringify(nodeToPlain(parseYamlDocument('config.yaml', NINE_LEVEL_BOMB).root)).length;
  assert.ok(size < 200_000, `${size} characters`);
});

test('YAML: aliases within the bound are expanded; an alias to its own anchor reads as empty', () => {
  const tree = root(parseConfigText('c.yaml', 'base: &b [x, y]\nkey_arguments: *b\nloop: &l [*l]\n'));
  assert.deepEqual(nodeToPlain(mapGet(tree, 'key_arguments')!.value), ['x', 'y']);
  assert.deepEqual(nodeToPlain(mapGet(tree, 'loop')!.value), ['']);
});

test('nesting deeper than 1,000 levels fails to load in every format, with a one-line reason and no stack overflow', () => {
  const cases: [string, string][] = [
    ['c.yaml', 'a: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n'],
    ['c.yaml', 'a: ' + '{b: '.repeat(5_000) + '1' + '}'.repeat(5_000) + '\n'],
    ['c.json', '{"a": ' + '['.repeat(20_000) + ']'.repeat(20_000) + '}'],
    ['c.json', '['.repeat(20_000)],
    ['c.toml', 'a = ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n'],
  ];
  for (const [file, text] of cases) {
    const error = failure(parseConfigText(file, text));
    assert.doesNotMatch(error.message, /call stack/i, file);
    assert.ok(!error.message.includes('\n'), `${file}: one line`);
    assert.match(error.reason, /nest/, file);
  }
  // Within the bound, JSON and TOML read as deep as written.
  assert.ok(parseConfigText('c.json', '{"a": ' + '['.repeat(999) + ']'.repeat(999) + '}').ok);
  assert.ok(parseConfigText('c.toml', 'a = ' + '['.repeat(500) + ']'.repeat(500) + '\n').ok);
  assert.ok(parseConfigText('c.yaml', 'a: ' + '['.repeat(300) + ']'.repeat(300) + '\n').ok);
});

test('a NUL character fails to load, at its byte offset', () => {
  for (const file of ['c.yaml', 'c.json', 'c.toml']) {
    const error = failure(parseConfigText(file, 'é\0'));
    assert.equal(error.kind, 'syntax');
    assert.equal(error.reason, 'the file holds a NUL character at byte 2');
    assert.equal(error.start, 1);
  }
});

test('JSON: every key and value is located; a duplicate key is not an error, the last wins; keys sorted', () => {
  const text = '{\n  "max_retries": 1,\n  "task": {"a.b": {"key_arguments": ["x", null]}},\n  "max_retries": 3\n}\n';
  const tree = root(parseConfigText('c.json', text));
  assert.deepEqual(tree.entries.map((e) => e.key), ['max_retries', 'task']);
  const retries = mapGet(tree, 'max_retries')!;
  assert.deepEqual(retries.value, { type: 'int', value: 3, loc: { line: 4, start: text.lastIndexOf('3'), end: text.lastIndexOf('3') + 1 } });
  assert.deepEqual(retries.keyLoc, { line: 4, start: text.lastIndexOf('"max_retries"'), end: text.lastIndexOf('"max_retries"') + 13 });
  const args = mapGet((mapGet((mapGet(tree, 'task')!.value as MapNode), 'a.b')!.value as MapNode), 'key_arguments')!.value;
  assert.deepEqual(nodeToPlain(args), ['x', '']);
  assert.equal(args.loc?.line, 3);
  assert.equal(text.slice(args.loc!.start, args.loc!.end), '["x", null]');
});

test('JSON: a root that is not an object reads as empty', () => {
  for (const text of ['[1, 2]', '"x"', '3', 'null']) assert.deepEqual(root(parseConfigText('c.json', text)).entries, []);
});

test("JSON: strict as Python's json module: comments and trailing commas are errors, in Python's words with column, offset and line", () => {
  const comment = failure(parseConfigText('c.json', '{\n  "a": 1 // no\n}'));
  assert.equal(comment.reason, 'Expecting value (JSON has no comments) at column 10 (char 11)');
  assert.equal(comment.line, 2);
  const trailing = failure(parseConfigText('c.json', '{"a": 1,}'));
  assert.equal(trailing.reason, 'Expecting property name enclosed in double quotes at column 9 (char 8)');
  assert.equal(trailing.start, 8);
  assert.equal(failure(parseConfigText('c.json', '')).reason, 'Expecting value at column 1 (char 0)');
  assert.equal(failure(parseConfigText('c.json', '{"a" 1}')).message, "Invalid JSON file c.json: Expecting ':' delimiter at column 6 (char 5) (line 1)");
});

test('TOML: every key and value of [tool.pynenc] is located with line and offsets', () => {
  const text = '[project]\nname = "x"\n\n[tool.pynenc]\nmax_retries = 2\n\n[tool.pynenc.task."src.a.f"]\nkey_arguments = [\n  "id",\n  "when",\n]\ninline = { running_concurrency = "keys" }\n';
  const tree = root(parseConfigText('pyproject.toml', text));
  const retries = mapGet(tree, 'max_retries')!;
  assert.deepEqual(retries.keyLoc, { line: 5, start: text.indexOf('max_retries'), end: text.indexOf('max_retries') + 11 });
  assert.deepEqual(retries.value.loc, { line: 5, start: text.indexOf('2'), end: text.indexOf('2') + 1 });
  const section = mapGet(mapGet(tree, 'task')!.value as MapNode, 'src.a.f')!;
  assert.equal(section.keyLoc?.line, 7);
  assert.equal(text.slice(section.keyLoc!.start, section.keyLoc!.end), '"src.a.f"');
  const args = mapGet(section.value as MapNode, 'key_arguments')!.value as Extract<ConfigNode, { type: 'list' }>;
  assert.equal(text.slice(args.loc!.start, args.loc!.end), '[\n  "id",\n  "when",\n]');
  assert.deepEqual(args.items.map((i) => [i.loc?.line, text.slice(i.loc!.start, i.loc!.end)]), [[9, '"id"'], [10, '"when"']]);
  const inline = mapGet(mapGet(section.value as MapNode, 'inline')!.value as MapNode, 'running_concurrency')!;
  assert.equal(text.slice(inline.value.loc!.start, inline.value.loc!.end), '"keys"');
  assert.equal(inline.keyLoc?.line, 12);
});

test('TOML: a duplicate key is a parse error with its line and offset', () => {
  const error = failure(parseConfigText('c.toml', 'max_retries = 1\nmax_retries = 2\n'));
  assert.equal(error.line, 2);
  assert.equal(error.start, 16);
});

test('TOML: a closing brace inside an array is a parse error, not a scan that never ends (found by the second differential test)', () => {
  // The scan that locates keys and values stood still on a character that starts no value.
  for (const text of ['[tool.pynenc]\nkey_arguments = [1 }\n', 'a = [}', 'a = [ # c\n } ]\nb = 1\n', 'a = {b = [}]}', 'a = [[[}}}']) {
    const error = failure(parseConfigText('pyproject.toml', text));
    assert.equal(error.kind, 'syntax', text);
  }
});

test("YAML: what the runtime's reader (PyYAML's safe loader) refuses though the yaml package reads it: an alias before its anchor, an anchor named twice, a tag it cannot construct, a tab between tokens", () => {
  // Each of these was read without a word, while the runtime refuses the file (found by checking the second differential test's texts with PyYAML).
  const refused: [string, RegExp, number][] = [
    ['task:\n  src.t.f: *base\n', /^found undefined alias 'base'/, 17],
    ['a: *y\nb: &y 1\n', /^found undefined alias 'y'/, 3],
    ['a: &x 1\nb: &x 2\n', /^found duplicate anchor 'x'/, 14],
    ['max_retries: !custom 1\n', /^could not determine a constructor for the tag '!custom'/, 21],
    ['max_retries: !!python/name:os.system x\n', /^could not determine a constructor for the tag '!!python\/name:os.system'/, 37],
    ['max_retries:\t3\n', /^found a tab that cannot start any token/, 12],
    ['max_retries: 3\t# note\n', /^found a tab/, 14],
    ['task:\n  src.t.f:\n    max_retries: 1\n\t\n', /^found a tab/, 36],
    ['key_arguments: [to,\tsubject]\n', /^found a tab/, 19],
    ['key_arguments: to\tsubject\n', /^found a tab/, 17],
  ];
  for (const [text, reason, start] of refused) {
    const error = failure(parseConfigText('c.yaml', text));
    assert.equal(error.kind, 'syntax', text);
    assert.match(error.reason, reason, text);
    assert.equal(error.start, start, text);
  }
  // What it reads: tabs in quoted strings, block scalars and comments; the tags it has constructors for; an alias after its anchor.
  for (const text of ['a: "x\ty"\n', "a: 'x\ty'\n", 'a: |\n  x\ty\n', 'a: 1 # a\tb\n', '# c\tx\na: 1\n', 'a: !!str 3\n', 'a: ! y\n', 'a: !!map {b: 1}\n', 'a: &x 1\nb: *x\n']) {
    assert.ok(parseConfigText('c.yaml', text).ok, text);
  }
});

test('YAML: duplicate keys as the runtime compares them: 1.5, true and null repeat; 1 and "1" do not', () => {
  for (const text of ['1.5: a\n1.5: b\n', 'true: a\ntrue: b\n', 'null: a\n~: b\n', 'max_retries: 1\n"max_retries": 2\n']) {
    const error = failure(parseConfigText('c.yaml', text));
    assert.equal(error.kind, 'duplicateKey', text);
    assert.equal(error.line, 2, text);
  }
  const tree = root(parseConfigText('c.yaml', '1: a\n"1": b\n'));
  assert.deepEqual(nodeToPlain(tree), { 1: 'b' });
});

test('messages quote long values shortened; .inf prints as inf; a null is None alone', () => {
  const huge = 'x'.repeat(5_000_000);
  assert.ok(shortQuote(huge).length < 260);
  assert.ok(nodeToText({ type: 'string', value: huge }).length < 260);
  const list: ConfigNode = { type: 'list', items: Array.from({ length: 130_000 }, () => ({ type: 'string', value: 'name' })) };
  const { value, ms } = timed(() => nodeToText(list));
  assert.ok(value.length <= 200 && ms < 100, `${value.length} characters in ${ms} ms`);
  assert.equal(nodeToText({ type: 'float', value: Infinity }), 'inf');
  assert.equal(nodeToText({ type: 'list', items: [{ type: 'float', value: -Infinity }] }), '[-inf]');
  assert.equal(describeNode({ type: 'null' }), 'None');
  const fromFile = parseYamlDocument('c.yaml', `max_retries: ${huge}\n`).root;
  const message = nodeToText(mapGet(fromFile, 'max_retries')!.value);
  assert.ok(message.length < 260 && message.includes('5,000,000 characters'), message.slice(0, 300));
});

test('value trees of any depth convert without recursion', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const node = nodeFromPlain(deep);
  const back = nodeToPlain(node) as unknown[];
  assert.ok(Array.isArray(back));
  assert.ok(nodeToText(node).length <= 200);
});

test('a 6 MB single line loads well under 5 s', () => {
  const long = 'a'.repeat(6_000_000);
  for (const [file, text] of [['c.yaml', `max_retries: ${long}\n`], ['c.json', `{"max_retries": "${long}"}`], ['c.toml', `max_retries = "${long}"\n`]]) {
    const { value, ms } = timed(() => parseConfigText(file, text));
    assert.ok(value.ok, file);
    assert.ok(ms < 5000, `${file}: ${ms} ms`);
  }
});

test('the disk host says why an existing path cannot be read: a directory, not UTF-8 at byte N', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-host-'));
  try {
    fs.mkdirSync(path.join(dir, 'config.yaml'));
    fs.writeFileSync(path.join(dir, 'latin1.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0xa9, 0xe9, 0x0a]));
    fs.writeFileSync(path.join(dir, 'ok.yaml'), 'a: é\n');
    const host = new DiskHost(dir);
    assert.equal(host.readText('config.yaml'), undefined);
    assert.deepEqual(host.readProblem('config.yaml'), { reason: 'it is a directory' });
    assert.equal(host.readText('latin1.yaml'), undefined);
    assert.deepEqual(host.readProblem('latin1.yaml'), { reason: 'it is not UTF-8 text (an invalid byte sequence at byte 5)', offset: 5 });
    assert.equal(host.readText('ok.yaml'), 'a: é\n');
    assert.equal(host.readProblem('ok.yaml'), undefined);
    assert.equal(host.readProblem('missing.yaml'), undefined);
    const error = unreadableError('latin1.yaml', host.readProblem('latin1.yaml')!);
    assert.equal(error.kind, 'unreadable');
    assert.equal(error.message, 'Configuration file latin1.yaml cannot be read: it is not UTF-8 text (an invalid byte sequence at byte 5)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a config.yaml that is not UTF-8 (or is a directory) is the config file in force, and check reports TL001 naming why', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-host-'));
  try {
    const cases: [string, (file: string) => void, RegExp][] = [
      ['not UTF-8', (file) => fs.writeFileSync(file, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a])), /not UTF-8 text \(an invalid byte sequence at byte 3\)/],
      ['a directory', (file) => fs.mkdirSync(file), /It is a directory/],
    ];
    for (const [what, write, reason] of cases) {
      fs.rmSync(path.join(dir, 'config.yaml'), { recursive: true, force: true });
      write(path.join(dir, 'config.yaml'));
      const ws = new Workspace(new DiskHost(dir), { root: dir });
      assert.equal(ws.configFilepath(), 'config.yaml', what);
      const found = workspaceProblems(ws);
      assert.deepEqual(found.map((f) => f.file), ['config.yaml'], what);
      assert.deepEqual(found[0].problems.map((p) => p.code), ['TL001'], what);
      assert.match(found[0].problems[0].message, reason);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the UTF-8 check finds the first invalid sequence: overlong forms, surrogates, cut sequences', () => {
  assert.equal(invalidUtf8Offset(Buffer.from('aé😀', 'utf8')), undefined);
  assert.equal(invalidUtf8Offset(Buffer.from([0x61, 0xc0, 0x80])), 1);
  assert.equal(invalidUtf8Offset(Buffer.from([0xed, 0xa0, 0x80])), 0);
  assert.equal(invalidUtf8Offset(Buffer.from([0x61, 0x62, 0xe2, 0x82])), 2);
  assert.equal(invalidUtf8Offset(Buffer.from([0xf5, 0x80, 0x80, 0x80])), 0);
});
