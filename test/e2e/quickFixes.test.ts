// Quick fixes checked against golden files (test/fixtures/quickfix/<case>/):
// `input.<ext>` carries a `want TLxxx fix="title"` comment on the line of the
// problem (or alone on the line above it); the fix of that title is asked of
// the real server, applied, compared with `input.golden.<ext>`, and the fixed
// text is sent back: the diagnostic must be gone and the file still valid.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import { Diagnostic } from 'vscode-languageserver-protocol/node';
import { FIXTURES } from '../paths';
import { APP, codes, describeDiagnostics, messageOf } from './assertions';
import { applyWorkspaceEdit, LspTestClient } from './lspClient';

const CASES = path.join(FIXTURES, 'quickfix');

/** Where each kind of input is opened in the `app` workspace. */
const TARGET: Record<string, string> = { yml: 'config.yaml', env: '.env', ts: 'src/tasks/quickfix.ts' };

interface Want {
  readonly code: string;
  readonly fix: string;
  /** 0-based line of the problem. */
  readonly line: number;
}

function readWant(text: string): Want {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /(?:#|\/\/)\s*want (TL\d{3}) fix="([^"]+)"/.exec(lines[i]);
    if (!m) continue;
    const alone = /^\s*(#|\/\/)/.test(lines[i]);
    return { code: m[1], fix: m[2], line: alone ? i + 1 : i };
  }
  throw new Error('no `want` comment');
}

/** Load failures and syntax errors: what a fix must never introduce. */
function assertValid(ext: string, text: string, diagnostics: readonly Diagnostic[]): void {
  assert.deepEqual(codes(diagnostics).filter((c) => c === 'TL001' || c === 'TL016' || c === 'TL022'), [], describeDiagnostics(diagnostics));
  if (ext === 'yml') {
    const docs = YAML.parseAllDocuments(text);
    assert.ok(Array.isArray(docs) && docs.every((d) => d.errors.length === 0), 'valid YAML');
  }
  if (ext === 'ts') {
    const out = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
    assert.deepEqual((out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], 'valid TypeScript');
  }
}

let client: LspTestClient;

before(async () => {
  client = await LspTestClient.start(APP);
});
after(async () => {
  await client.stop();
});

describe('quick fixes against golden files', () => {
  const cases = fs.readdirSync(CASES).sort();

  test('there is a golden case for every fix of SPEC §7', () => {
    const wanted = cases.map((name) => {
      const input = fs.readdirSync(path.join(CASES, name)).find((f) => f.startsWith('input.') && !f.includes('golden'));
      return readWant(fs.readFileSync(path.join(CASES, name, input!), 'utf8')).code;
    });
    for (const code of ['TL002', 'TL004', 'TL005', 'TL008', 'TL010', 'TL012', 'TL013']) assert.ok(wanted.includes(code), code);
  });

  for (const name of cases) {
    test(name, async () => {
      const dir = path.join(CASES, name);
      const inputFile = fs.readdirSync(dir).find((f) => f.startsWith('input.') && !f.includes('golden'));
      assert.ok(inputFile, `an input file in ${name}`);
      const ext = inputFile.slice('input.'.length);
      const input = fs.readFileSync(path.join(dir, inputFile), 'utf8');
      const golden = fs.readFileSync(path.join(dir, `input.golden.${ext}`), 'utf8');
      const want = readWant(input);

      const doc = await client.openPlain(TARGET[ext], input);
      try {
        const diagnostics = await client.waitForDiagnostics(doc);
        const target = diagnostics.find((d) => d.code === want.code && d.range.start.line === want.line);
        assert.ok(target, `${want.code} on line ${want.line + 1}; got ${describeDiagnostics(diagnostics)}`);
        assert.ok(target.data, `${want.code} carries data for its fix`);
        messageOf(target);

        const actions = await client.codeAction(doc.uri, target.range, [target]);
        const fix = actions.find((a) => a.title === want.fix);
        assert.ok(fix, `a fix titled "${want.fix}" among ${actions.map((a) => `"${a.title}"`).join(', ')}`);
        assert.equal(fix.kind, 'quickfix');
        assert.deepEqual(fix.diagnostics?.map((d) => d.code), [want.code]);
        const fixed = applyWorkspaceEdit(doc.text, doc.uri, fix.edit);
        assert.equal(fixed, golden);

        await client.replaceText(doc, fixed);
        const after = await client.waitForDiagnostics(doc);
        assert.deepEqual(after.filter((d) => d.code === want.code), [], `${want.code} is gone; left: ${describeDiagnostics(after)}`);
        assertValid(ext, fixed, after);
      } finally {
        await client.close(doc);
      }
    });
  }
});
