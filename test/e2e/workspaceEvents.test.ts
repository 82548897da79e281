// The server keeps up with the workspace (SPEC §7–§8, issue 4): incremental
// edits, TypeScript files created, edited, renamed and deleted on disk, config
// and env files changed on disk, and settings changed, all without a restart.
// Each suite works on its own temporary copy of the `app` fixture, and each
// test sets up the state it starts from and puts back what it changed, so the
// tests pass in any order and alone (`--test-name-pattern`).
import { after, afterEach, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APP, codes, describeDiagnostics, expectDiagnostic, fieldRows, hoverText } from '../features/assertions';
import { LspTestClient, OpenDocument, positionAt } from './lspClient';

function copyOfApp(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-e2e-'));
  fs.cpSync(APP, root, { recursive: true });
  return root;
}

/** The row of one field in an explain table. */
async function explainRow(client: LspTestClient, id: string, field: string): Promise<string | undefined> {
  const result = await client.explainTask(id);
  return fieldRows(result?.markdown ?? '').find((r) => r.startsWith(`| \`${field}\` |`));
}

/** The ids of the tasks defined by task() calls (listTasks also names tasks only named in config). */
async function taskIds(client: LspTestClient): Promise<string[]> {
  return (await client.listTasks()).filter((t) => t.uri !== undefined).map((t) => t.id);
}

describe('incremental text sync', () => {
  let client: LspTestClient;
  const opened: OpenDocument[] = [];
  before(async () => {
    client = await LspTestClient.start(APP);
  });
  afterEach(async () => {
    for (const doc of opened.splice(0)) await client.close(doc);
  });
  after(async () => {
    await client.stop();
  });

  async function openConfig(text: string): Promise<OpenDocument> {
    const doc = await client.openPlain('config.yaml', text);
    opened.push(doc);
    return doc;
  }

  test('diagnostics and hovers follow a sequence of small edits', async () => {
    const doc = await openConfig('task:\n  src.tasks.billing.refund:\n    max_retries: 3\n');
    assert.deepEqual(await client.waitForDiagnostics(doc), []);

    // Type a new line with an invalid value, in two keystrokes.
    await client.didChange(doc, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '    running_concurrency: K' }]);
    await client.didChange(doc, [{ range: { start: { line: 3, character: 26 }, end: { line: 3, character: 26 } }, text: 'EYS\n' }]);
    assert.equal(doc.text, 'task:\n  src.tasks.billing.refund:\n    max_retries: 3\n    running_concurrency: KEYS\n');
    let diagnostics = await client.waitForDiagnostics(doc);
    expectDiagnostic(diagnostics, { code: 'TL004', range: { start: { line: 3, character: 25 }, end: { line: 3, character: 29 } }, severity: 'error', message: /'KEYS' is not a valid/ });

    // Fix it in place: replace the four characters.
    await client.didChange(doc, [{ range: { start: { line: 3, character: 25 }, end: { line: 3, character: 29 } }, text: 'keys' }]);
    diagnostics = await client.waitForDiagnostics(doc);
    assert.deepEqual(codes(diagnostics), ['TL011'], describeDiagnostics(diagnostics));

    // Two changes in one notification: edit the retries and add key_arguments.
    await client.didChange(doc, [
      { range: { start: { line: 2, character: 17 }, end: { line: 2, character: 18 } }, text: '4' },
      { range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: '    key_arguments: [chargeId]\n' },
    ]);
    assert.deepEqual(await client.waitForDiagnostics(doc), []);
    const markdown = hoverText(await client.hover(doc.uri, positionAt(doc.text, doc.text.indexOf('max_retries'))));
    assert.match(markdown, /\*\*Effective for `src\.tasks\.billing\.refund`: `4`\*\*/);
  });

  test('deleting the text between two top-level keys makes one new key', async () => {
    const doc = await openConfig('parallel_batch_size: 50\n\ntask:\n  max_retries: 4\n');
    assert.deepEqual(await client.waitForDiagnostics(doc), []);
    await client.didChange(doc, [{ range: { start: { line: 0, character: 19 }, end: { line: 2, character: 0 } }, text: '' }]);
    assert.equal(doc.text, 'parallel_batch_sizetask:\n  max_retries: 4\n');
    const diagnostics = await client.waitForDiagnostics(doc);
    assert.deepEqual((await client.documentSymbol(doc.uri)).map((s) => s.name), ['parallel_batch_sizetask']);
    assert.deepEqual(codes(diagnostics), ['TL002'], describeDiagnostics(diagnostics));
  });
});

describe('TypeScript files created, edited, renamed and deleted on disk', () => {
  let client: LspTestClient;
  let root: string;
  let config: OpenDocument | undefined;
  before(async () => {
    root = copyOfApp();
    client = await LspTestClient.start(root);
  });
  afterEach(async () => {
    if (config) await client.close(config);
    config = undefined;
  });
  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** Opens config.yaml with `text` and returns its first diagnostics. */
  async function openConfig(text: string) {
    config = await client.openPlain('config.yaml', text);
    return client.waitForDiagnostics(config);
  }

  /** Writes or removes files on disk, tells the server, and returns the config's next diagnostics. */
  async function onDisk(changes: readonly { path: string; text?: string; type: 'created' | 'changed' | 'deleted' }[]) {
    assert.ok(config, 'a config document is open');
    for (const change of changes) {
      const file = path.join(root, change.path);
      if (change.type === 'deleted') fs.rmSync(file);
      else fs.writeFileSync(file, change.text ?? '');
    }
    const mark = client.mark();
    await client.didChangeWatchedFiles(changes);
    return client.waitForDiagnostics(config.uri, mark);
  }

  /** A task file defining task `name` (module from its path). */
  const taskFile = (name: string) => `import { task } from '../../lib/tasks';\n\nexport const ${name} = task(async (reportId: string) => reportId, { key_arguments: ['reportId'] });\n`;
  const section = (id: string) => `task:\n  ${id}:\n    max_retries: 2\n`;

  test('created: the task is known, and the section naming it is no longer unknown', async () => {
    const before = await openConfig(section('src.tasks.created.buildReport'));
    assert.ok(codes(before).includes('TL008'), describeDiagnostics(before));
    assert.ok(!(await taskIds(client)).includes('src.tasks.created.buildReport'));
    const diagnostics = await onDisk([{ path: 'src/tasks/created.ts', text: taskFile('buildReport'), type: 'created' }]);
    assert.ok(!codes(diagnostics).includes('TL008'), describeDiagnostics(diagnostics));
    assert.ok((await taskIds(client)).includes('src.tasks.created.buildReport'));
  });

  test('edited: the renamed task replaces the old one, and the section gets a did-you-mean', async () => {
    await openConfig(section('src.tasks.edited.buildReport'));
    const known = await onDisk([{ path: 'src/tasks/edited.ts', text: taskFile('buildReport'), type: 'created' }]);
    assert.ok(!codes(known).includes('TL008'), describeDiagnostics(known));
    const diagnostics = await onDisk([{ path: 'src/tasks/edited.ts', text: taskFile('buildReports'), type: 'changed' }]);
    const ids = await taskIds(client);
    assert.ok(ids.includes('src.tasks.edited.buildReports') && !ids.includes('src.tasks.edited.buildReport'), ids.join(', '));
    const unknown = diagnostics.find((d) => d.code === 'TL008');
    assert.ok(unknown, describeDiagnostics(diagnostics));
    assert.match(String(unknown.message), /Did you mean 'src\.tasks\.edited\.buildReports'\?/);
  });

  test('renamed (deleted + created): the module part of the id follows the file', async () => {
    await openConfig(section('src.tasks.reporting.buildReport'));
    await onDisk([{ path: 'src/tasks/reports.ts', text: taskFile('buildReport'), type: 'created' }]);
    assert.ok((await taskIds(client)).includes('src.tasks.reports.buildReport'));
    fs.renameSync(path.join(root, 'src/tasks/reports.ts'), path.join(root, 'src/tasks/reporting.ts'));
    const mark = client.mark();
    await client.didChangeWatchedFiles([{ path: 'src/tasks/reports.ts', type: 'deleted' }, { path: 'src/tasks/reporting.ts', type: 'created' }]);
    const diagnostics = await client.waitForDiagnostics(config!.uri, mark);
    const ids = await taskIds(client);
    assert.ok(ids.includes('src.tasks.reporting.buildReport'), ids.join(', '));
    assert.ok(!ids.some((id) => id.startsWith('src.tasks.reports.')), ids.join(', '));
    assert.ok(!codes(diagnostics).includes('TL008'), `the section names the task at its new module: ${describeDiagnostics(diagnostics)}`);
  });

  test('deleted: the task is gone, and the section naming it is unknown again', async () => {
    await openConfig(section('src.tasks.deleted.buildReport'));
    await onDisk([{ path: 'src/tasks/deleted.ts', text: taskFile('buildReport'), type: 'created' }]);
    assert.ok((await taskIds(client)).includes('src.tasks.deleted.buildReport'));
    const diagnostics = await onDisk([{ path: 'src/tasks/deleted.ts', type: 'deleted' }]);
    assert.ok(!(await taskIds(client)).includes('src.tasks.deleted.buildReport'));
    assert.ok(codes(diagnostics).includes('TL008'), describeDiagnostics(diagnostics));
  });

  test('an exception class created in a new file, extending a class of another file, resolves', async () => {
    const before = await openConfig('task:\n  retry_for: [src.errors.quota.QuotaError]\n');
    assert.ok(codes(before).includes('TL006'), describeDiagnostics(before));
    const diagnostics = await onDisk([{ path: 'src/errors/quota.ts', text: "import { AppError } from './base';\n\nexport class QuotaError extends AppError {}\n", type: 'created' }]);
    assert.ok(!codes(diagnostics).includes('TL006'), describeDiagnostics(diagnostics));
    const again = await onDisk([{ path: 'src/errors/quota.ts', text: 'export class QuotaError {}\n', type: 'changed' }]);
    assert.ok(codes(again).includes('TL007'), `no longer an Error: ${describeDiagnostics(again)}`);
  });
});

describe('an edit re-checks the open documents it can change, and only those', () => {
  let client: LspTestClient;
  let root: string;
  before(async () => {
    root = copyOfApp();
    client = await LspTestClient.start(root);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('a keystroke in a function body publishes that file only; renaming the task there re-checks the config that names it', async () => {
    const configText = `${fs.readFileSync(path.join(root, 'config.yaml'), 'utf8')}\n  src.tasks.billing.refunds:\n    max_retries: 2\n`;
    const config = await client.openPlain('config.yaml', configText);
    const before = await client.waitForDiagnostics(config);
    assert.ok(before.some((d) => d.code === 'TL008' && String(d.message).includes("'src.tasks.billing.refunds'")), describeDiagnostics(before));
    const billing = await client.openPlain('src/tasks/billing.ts', fs.readFileSync(path.join(root, 'src/tasks/billing.ts'), 'utf8'));
    await client.waitForDiagnostics(billing);
    const body = positionAt(billing.text, billing.text.indexOf('console.log(`refunding'));
    const mark = client.mark();
    await client.didChange(billing, [{ range: { start: body, end: body }, text: ' ' }]);
    await client.waitForDiagnostics(billing);
    // Time for the config to be re-published if it were going to be.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(client.publicationsSince(config.uri, mark), 0, 'the config is not re-checked for a body edit');
    // Renaming the task changes what the config's section names: it is re-checked.
    const name = billing.text.indexOf('refund =');
    await client.didChange(billing, [{ range: { start: positionAt(billing.text, name), end: positionAt(billing.text, name + 'refund'.length) }, text: 'refunds' }]);
    const after = await client.waitForDiagnostics(config.uri, mark);
    assert.deepEqual(codes(after).filter((c) => c === 'TL008'), [], describeDiagnostics(after));
    await client.close(billing);
    await client.close(config);
  });
});

describe('config and env files changed on disk, not open in the editor', () => {
  let client: LspTestClient;
  let root: string;
  let probe: OpenDocument;
  before(async () => {
    root = copyOfApp();
    client = await LspTestClient.start(root);
    probe = await client.openPlain('src/tasks/billing.ts', fs.readFileSync(path.join(root, 'src/tasks/billing.ts'), 'utf8'));
    await client.waitForDiagnostics(probe);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function rewrite(file: string, text: string): Promise<void> {
    fs.writeFileSync(path.join(root, file), text);
    const mark = client.mark();
    await client.didChangeWatchedFiles([{ path: file, type: 'changed' }]);
    await client.waitForDiagnostics(probe.uri, mark);
  }

  /** Rewrites `file` for the length of `work`, then puts the fixture's text back. */
  async function whileRewritten(file: string, text: string, work: () => Promise<void>): Promise<void> {
    const original = fs.readFileSync(path.join(APP, file), 'utf8');
    await rewrite(file, text);
    try {
      await work();
    } finally {
      await rewrite(file, original);
    }
  }

  const refundRetries = async () => (await explainRow(client, 'src.tasks.billing.refund', 'max_retries')) ?? '';

  test('config.yaml', async () => {
    assert.match(await refundRetries(), /`1` \| config\.yaml:5 \(class\)/);
    await whileRewritten('config.yaml', 'task:\n  max_retries: 9\n', async () => {
      assert.match(await refundRetries(), /`9` \| config\.yaml:2 \(class\)/);
    });
    assert.match(await refundRetries(), /`1` \| config\.yaml:5 \(class\)/);
  });

  test('config.yaml written while open, with no watcher event: closing it reads the disk, not a copy from before it was opened', async () => {
    const file = path.join(root, 'config.yaml');
    const original = fs.readFileSync(file, 'utf8');
    const doc = await client.openPlain('config.yaml', original);
    await client.waitForDiagnostics(doc);
    try {
      // A client that watches no files (or a save the watcher has not reported yet).
      fs.writeFileSync(file, 'task:\n  max_retries: 7\n');
      await client.close(doc);
      assert.match(await refundRetries(), /`7` \| config\.yaml:2 \(class\)/);
    } finally {
      await rewrite('config.yaml', original);
    }
    assert.match(await refundRetries(), /`1` \| config\.yaml:5 \(class\)/);
  });

  test('.env', async () => {
    assert.match(await refundRetries(), /`1` \| config\.yaml:5 \(class\)/);
    await whileRewritten('.env', 'PYNENC__MAX_RETRIES=4\n', async () => {
      assert.match(await refundRetries(), /`4` \| PYNENC__MAX_RETRIES \(\.env:1\)/);
    });
    assert.match(await refundRetries(), /`1` \| config\.yaml:5 \(class\)/);
  });
});

describe('settings change without a restart', () => {
  let client: LspTestClient;
  let root: string;
  let config: OpenDocument;
  before(async () => {
    root = copyOfApp();
    fs.writeFileSync(path.join(root, 'other.yaml'), 'max_retries: 6\n');
    fs.writeFileSync(path.join(root, '.env.local'), 'PYNENC__CONFIGTASK__MAX_RETRIES=8\n');
    fs.writeFileSync(path.join(root, 'src/tasks/jobs.ts'), "export const job = (fn: unknown) => fn;\nexport const nightly = job(async (day: string) => day);\n");
    client = await LspTestClient.start(root);
    config = await client.openPlain('config.yaml', fs.readFileSync(path.join(root, 'config.yaml'), 'utf8'));
    await client.waitForDiagnostics(config);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function settings(value: Record<string, unknown>) {
    const mark = client.mark();
    await client.setSettings(value);
    return client.waitForDiagnostics(config.uri, mark);
  }

  /** Runs `work` with `value` as the settings, then goes back to the defaults (also when it fails). */
  async function withSettings(value: Record<string, unknown>, work: (diagnostics: Awaited<ReturnType<typeof settings>>) => Promise<void>): Promise<void> {
    const diagnostics = await settings(value);
    try {
      await work(diagnostics);
    } finally {
      await settings({});
    }
  }

  const refundRetries = async () => (await explainRow(client, 'src.tasks.billing.refund', 'max_retries')) ?? '';
  const DEFAULT_RETRIES = /`1` \| config\.yaml:5 \(class\)/;
  /** The config line that sets the class-level max_retries: 0-based line 4. */
  const classRetriesLine = 4;

  test('tasklens.env: a value set there wins, and what it shadows is reported', async () => {
    assert.match(await refundRetries(), DEFAULT_RETRIES);
    await withSettings({ env: { PYNENC__CONFIGTASK__MAX_RETRIES: '9' } }, async (diagnostics) => {
      assert.match(await refundRetries(), /`9` \| PYNENC__CONFIGTASK__MAX_RETRIES/);
      const shadowed = diagnostics.find((d) => d.code === 'TL014' && d.range.start.line === classRetriesLine);
      assert.ok(shadowed, describeDiagnostics(diagnostics));
      assert.match(String(shadowed.message), /overridden by PYNENC__CONFIGTASK__MAX_RETRIES/);
    });
    assert.ok(!(client.latestDiagnostics(config.uri) ?? []).some((d) => d.code === 'TL014' && d.range.start.line === classRetriesLine));
    assert.match(await refundRetries(), DEFAULT_RETRIES);
  });

  test('tasklens.envFiles', async () => {
    assert.match(await refundRetries(), DEFAULT_RETRIES);
    await withSettings({ envFiles: ['.env.local', '.env'] }, async () => {
      assert.match(await refundRetries(), /`8` \| PYNENC__CONFIGTASK__MAX_RETRIES \(\.env\.local:1\)/);
    });
    assert.match(await refundRetries(), DEFAULT_RETRIES);
  });

  test('tasklens.configFiles: another file becomes config_filepath', async () => {
    assert.match(await refundRetries(), DEFAULT_RETRIES);
    await withSettings({ configFiles: ['other.yaml'] }, async () => {
      assert.match(await refundRetries(), /`6` \| other\.yaml:1 \(generic\)/);
    });
    assert.match(await refundRetries(), DEFAULT_RETRIES);
  });

  test('tasklens.moduleRoot: task ids are computed from another folder', async () => {
    assert.ok((await taskIds(client)).includes('src.tasks.billing.refund'));
    await withSettings({ moduleRoot: 'src' }, async () => {
      const ids = await taskIds(client);
      assert.ok(ids.includes('tasks.billing.refund') && !ids.includes('src.tasks.billing.refund'), ids.join(', '));
    });
    assert.ok((await taskIds(client)).includes('src.tasks.billing.refund'));
  });

  test('tasklens.taskFunctionNames: calls of another function declare tasks', async () => {
    assert.ok(!(await taskIds(client)).includes('src.tasks.jobs.nightly'));
    await withSettings({ taskFunctionNames: ['task', 'job'] }, async () => {
      assert.ok((await taskIds(client)).includes('src.tasks.jobs.nightly'), (await taskIds(client)).join(', '));
    });
    assert.ok(!(await taskIds(client)).includes('src.tasks.jobs.nightly'));
  });

  test('tasklens.maxDiagnosticsPerFile: errors first, then a note saying how many more; 0 shows all', async () => {
    const original = config.text;
    const unknown = Array.from({ length: 12 }, (_, i) => `  src.tasks.nope${i}:\n    max_retries: 1\n`).join('');
    const text = `task:\n${unknown}  src.tasks.billing.refund:\n    running_concurrency: KEYS\n    key_arguments: [chargeId]\n`;
    const summary = (diagnostics: Awaited<ReturnType<typeof settings>>) => diagnostics.map((d) => `${d.code ?? 'note'}@${d.range.start.line}`);
    try {
      await client.replaceText(config, text);
      const all = await client.waitForDiagnostics(config);
      assert.deepEqual(summary(all), [...Array.from({ length: 12 }, (_, i) => `TL008@${1 + 2 * i}`), 'TL004@26'], describeDiagnostics(all));
      await withSettings({ maxDiagnosticsPerFile: 5 }, async (cut) => {
        // Five in all, the note included (VS Code would cut a sixth itself): the one error although it
        // comes last, the warnings in file order, and the note at the first problem left out.
        assert.deepEqual(summary(cut), ['TL008@1', 'TL008@3', 'TL008@5', 'TL004@26', 'note@7'], describeDiagnostics(cut));
        assert.equal(cut[4].severity, 3);
        assert.match(String(cut[4].message), /^9 more problems in this file are not shown \(4 of 13 shown, errors first\)\. `tasklens check` lists them all/);
      });
      await withSettings({ maxDiagnosticsPerFile: 0 }, async (every) => {
        assert.deepEqual(summary(every), summary(all));
      });
    } finally {
      await client.replaceText(config, original);
      await client.waitForDiagnostics(config);
    }
  });

  test('tasklens.exclude: excluded files define no tasks', async () => {
    assert.ok((await taskIds(client)).includes('src.tasks.billing.refund'));
    await withSettings({ exclude: ['src/tasks/billing.ts'] }, async () => {
      const ids = await taskIds(client);
      assert.ok(!ids.includes('src.tasks.billing.refund') && ids.includes('src.tasks.email.sendEmail'), ids.join(', '));
    });
    assert.ok((await taskIds(client)).includes('src.tasks.billing.refund'));
  });
});
