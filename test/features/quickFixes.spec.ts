// Quick fixes checked against golden files (test/features/quickfix/<case>/).
// `input.<ext>` carries a comment `want TLxxx "message" fix="title"` on the
// line of the problem (or alone on the line above it); formats without
// comments (JSON) say it in `input.want` as `<line>: want …`. The case is opened
// in the `app` fixture; the diagnostic must be there with that code, line and
// exact message; the fix of that title is applied and compared with
// `input.golden.<ext>`; re-diagnosing the fixed text must not find that
// diagnostic again, and the file must still be valid.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import { Diagnostic } from 'vscode-languageserver-types';
import { codes, describeDiagnostics, messageOf } from './assertions';
import { features, fixture } from './harness';
import { applyWorkspaceEdit } from './text';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

// smol-toml is an ES module with a CommonJS build beside it, loaded as the resolver loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TOML = require('smol-toml') as typeof SmolToml;

const CASES = path.join(__dirname, '..', '..', '..', 'test', 'features', 'quickfix');

/** Where each kind of input is opened in the `app` workspace, and the settings that make it a config file. */
const TARGET: Record<string, { readonly file: string; readonly settings?: Record<string, unknown> }> = {
  yaml: { file: 'config.yaml' },
  env: { file: '.env' },
  ts: { file: 'src/tasks/quickfix.ts' },
  json: { file: 'config.json', settings: { configFiles: ['config.json'] } },
  toml: { file: 'pyproject.toml' },
};

/** Cases that fail because the product is wrong today (each one is in the report). */
const KNOWN_BUGS: Record<string, string> = {};

interface Want {
  readonly code: string;
  readonly message: string;
  readonly fix: string;
  /** 0-based line of the problem. */
  readonly line: number;
}

const WANT = /want (TL\d{3}) "((?:[^"\\]|\\.)*)" fix="([^"]+)"/;

function readWant(text: string, sidecar: string | undefined): Want {
  if (sidecar !== undefined) {
    const m = /^(\d+): /.exec(sidecar);
    const w = WANT.exec(sidecar);
    if (!m || !w) throw new Error(`input.want: expected '<line>: want TLxxx "message" fix="title"', got ${sidecar}`);
    return { code: w[1], message: w[2].replace(/\\(.)/g, '$1'), fix: w[3], line: Number(m[1]) - 1 };
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = WANT.exec(lines[i]);
    if (!m) continue;
    const alone = /^\s*(#|\/\/)/.test(lines[i]);
    return { code: m[1], message: m[2].replace(/\\(.)/g, '$1'), fix: m[3], line: alone ? i + 1 : i };
  }
  throw new Error('no `want` comment');
}

/** Load failures and syntax errors: what a fix must never introduce. */
function assertValid(ext: string, text: string, diagnostics: readonly Diagnostic[]): void {
  assert.deepEqual(codes(diagnostics).filter((c) => c === 'TL001' || c === 'TL016' || c === 'TL022'), [], describeDiagnostics(diagnostics));
  if (ext === 'yaml') {
    const docs = YAML.parseAllDocuments(text);
    assert.ok(Array.isArray(docs) && docs.every((d) => d.errors.length === 0), 'valid YAML');
  }
  if (ext === 'json') assert.doesNotThrow(() => JSON.parse(text), 'valid JSON');
  if (ext === 'toml') assert.doesNotThrow(() => TOML.parse(text), 'valid TOML');
  if (ext === 'ts') {
    const out = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
    assert.deepEqual((out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], 'valid TypeScript');
  }
}

interface Case {
  readonly name: string;
  readonly ext: string;
  readonly input: string;
  readonly golden: string;
  readonly want: Want;
}

function readCase(name: string): Case {
  const dir = path.join(CASES, name);
  const inputFile = fs.readdirSync(dir).find((f) => /^input\.[a-z]+$/.test(f) && f !== 'input.want');
  assert.ok(inputFile, `an input file in ${name}`);
  const ext = inputFile.slice('input.'.length);
  const input = fs.readFileSync(path.join(dir, inputFile), 'utf8');
  const golden = fs.readFileSync(path.join(dir, `input.golden.${ext}`), 'utf8');
  const sidecar = fs.existsSync(path.join(dir, 'input.want')) ? fs.readFileSync(path.join(dir, 'input.want'), 'utf8').trim() : undefined;
  return { name, ext, input, golden, want: readWant(input, sidecar) };
}

describe('quick fixes against golden files', () => {
  const names = fs.readdirSync(CASES).sort();

  test('there is a golden case for every fix of SPEC §7, in every format that has it', () => {
    const cases = names.map(readCase);
    for (const code of ['TL002', 'TL004', 'TL005', 'TL008', 'TL010', 'TL012', 'TL013']) assert.ok(cases.some((c) => c.want.code === code), code);
    for (const ext of Object.keys(TARGET)) assert.ok(cases.some((c) => c.ext === ext), `a ${ext} case`);
    for (const c of cases) assert.notEqual(c.input, c.golden, `${c.name}: the golden file differs from the input`);
  });

  for (const name of names) {
    test(name, { skip: KNOWN_BUGS[name] ? `known bug: ${KNOWN_BUGS[name]}` : false }, () => {
      const { ext, input, golden, want } = readCase(name);
      const target = TARGET[ext];
      assert.ok(target, `a target for .${ext}`);
      const w = fixture('app', { settings: target.settings });
      const uri = w.uriOf(target.file);
      w.open(target.file, input, { cursor: null });

      const diagnostics = features.diagnose(w.ws, target.file);
      const found = diagnostics.find((d) => d.code === want.code && d.range.start.line === want.line);
      assert.ok(found, `${want.code} on line ${want.line + 1}; got ${describeDiagnostics(diagnostics)}`);
      assert.equal(messageOf(found), want.message);
      assert.ok(found.data, `${want.code} carries data for its fix`);

      const actions = features.codeActions(w.ws, target.file, uri, [found]);
      const fix = actions.find((a) => a.title === want.fix);
      assert.ok(fix, `a fix titled "${want.fix}" among ${actions.map((a) => `"${a.title}"`).join(', ')}`);
      assert.equal(fix.kind, 'quickfix');
      assert.deepEqual(fix.diagnostics?.map((d) => d.code), [want.code]);
      const fixed = applyWorkspaceEdit(input, uri, fix.edit);
      assert.equal(fixed, golden);

      w.open(target.file, fixed, { cursor: null });
      const after = features.diagnose(w.ws, target.file);
      assert.deepEqual(after.filter((d) => d.code === want.code && d.message === want.message), [], `${want.code} is gone; left: ${describeDiagnostics(after)}`);
      assert.deepEqual(after.filter((d) => d.code === want.code && d.range.start.line === want.line), [], `no other ${want.code} on that line; left: ${describeDiagnostics(after)}`);
      assertValid(ext, fixed, after);
    });
  }

  test('no fix for a diagnostic without data, nor in a file Tasklens does not read', () => {
    const w = fixture('app');
    w.open('config.yaml', 'task:\n  running_concurrency: KEYS\n', { cursor: null });
    const [keys] = features.diagnose(w.ws, 'config.yaml').filter((d) => d.code === 'TL004');
    assert.ok(keys);
    assert.deepEqual(features.codeActions(w.ws, 'config.yaml', w.uriOf('config.yaml'), [{ ...keys, data: undefined }]), []);
    assert.deepEqual(features.codeActions(w.ws, 'missing.yaml', w.uriOf('missing.yaml'), [keys]), []);
  });
});
