// The server keeps up with the workspace (SPEC §7–§8, issue 4): incremental
// edits, TypeScript files created, edited, renamed and deleted on disk, config
// and env files changed on disk, and settings changed, all without a restart.
// Each suite works on its own temporary copy of the `app` fixture.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APP, codes, describeDiagnostics, expectDiagnostic, fieldRows, hoverText } from './assertions';
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
  before(async () => {
    client = await LspTestClient.start(APP);
  });
  after(async () => {
    await client.stop();
  });

  test('diagnostics and hovers follow a sequence of small edits', async () => {
    const doc = await client.openPlain('config.yaml', 'task:\n  src.tasks.billing.refund:\n    max_retries: 3\n');
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
    await client.close(doc);
  });
});

describe('incremental parse after an edit that joins two keys', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start(APP);
  });
  after(async () => {
    await client.stop();
  });

  test('deleting the text between two top-level keys makes one new key', async () => {
    const doc = await client.openPlain('config.yaml', 'parallel_batch_size: 50\n\ntask:\n  max_retries: 4\n');
    assert.deepEqual(await client.waitForDiagnostics(doc), []);
    await client.didChange(doc, [{ range: { start: { line: 0, character: 19 }, end: { line: 2, character: 0 } }, text: '' }]);
    assert.equal(doc.text, 'parallel_batch_sizetask:\n  max_retries: 4\n');
    const diagnostics = await client.waitForDiagnostics(doc);
    try {
      assert.deepEqual((await client.documentSymbol(doc.uri)).map((s) => s.name), ['parallel_batch_sizetask']);
      assert.deepEqual(codes(diagnostics), ['TL002'], describeDiagnostics(diagnostics));
    } finally {
      await client.close(doc);
    }
  });
});

describe('TypeScript files created, edited, renamed and deleted on disk', () => {
  let client: LspTestClient;
  let root: string;
  let config: OpenDocument;
  before(async () => {
    root = copyOfApp();
    client = await LspTestClient.start(root);
    config = await client.openPlain('config.yaml', 'task:\n  retry_for: [src.errors.quota.QuotaError]\n  src.tasks.reports.buildReport:\n    max_retries: 2\n');
    await client.waitForDiagnostics(config);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** Writes or removes files on disk, tells the server, and returns the config's next diagnostics. */
  async function onDisk(changes: readonly { path: string; text?: string; type: 'created' | 'changed' | 'deleted' }[]) {
    for (const change of changes) {
      const file = path.join(root, change.path);
      if (change.type === 'deleted') fs.rmSync(file);
      else fs.writeFileSync(file, change.text ?? '');
    }
    const mark = client.mark();
    await client.didChangeWatchedFiles(changes);
    return client.waitForDiagnostics(config.uri, mark);
  }

  const report = (name: string) => `import { task } from '../../lib/tasks';\n\nexport const ${name} = task(async (reportId: string) => reportId, { key_arguments: ['reportId'] });\n`;

  test('before: the section names no task', async () => {
    const diagnostics = client.latestDiagnostics(config.uri) ?? [];
    assert.ok(codes(diagnostics).includes('TL008'), `${config.text}: ${describeDiagnostics(diagnostics)}`);
    assert.ok(!(await taskIds(client)).some((id) => id.startsWith('src.tasks.report')));
  });

  test('created: the task is known, the section is no longer unknown', async () => {
    const diagnostics = await onDisk([{ path: 'src/tasks/reports.ts', text: report('buildReport'), type: 'created' }]);
    assert.ok(!codes(diagnostics).includes('TL008'), describeDiagnostics(diagnostics));
    assert.ok((await taskIds(client)).includes('src.tasks.reports.buildReport'));
  });

  test('edited: the renamed task replaces the old one, and the section gets a did-you-mean', async () => {
    const diagnostics = await onDisk([{ path: 'src/tasks/reports.ts', text: report('buildReports'), type: 'changed' }]);
    const ids = await taskIds(client);
    assert.ok(ids.includes('src.tasks.reports.buildReports') && !ids.includes('src.tasks.reports.buildReport'), ids.join(', '));
    const unknown = diagnostics.find((d) => d.code === 'TL008');
    assert.ok(unknown, describeDiagnostics(diagnostics));
    assert.match(String(unknown.message), /Did you mean 'src\.tasks\.reports\.buildReports'\?/);
  });

  test('renamed (deleted + created): the module part of the id follows the file', async () => {
    const text = fs.readFileSync(path.join(root, 'src/tasks/reports.ts'), 'utf8');
    fs.renameSync(path.join(root, 'src/tasks/reports.ts'), path.join(root, 'src/tasks/reporting.ts'));
    const mark = client.mark();
    await client.didChangeWatchedFiles([{ path: 'src/tasks/reports.ts', type: 'deleted' }, { path: 'src/tasks/reporting.ts', type: 'created' }]);
    await client.waitForDiagnostics(config.uri, mark);
    const ids = await taskIds(client);
    assert.ok(ids.includes('src.tasks.reporting.buildReports'), ids.join(', '));
    assert.ok(!ids.some((id) => id.startsWith('src.tasks.reports.')), ids.join(', '));
    assert.ok(text.length > 0);
  });

  test('deleted: the task is gone', async () => {
    await onDisk([{ path: 'src/tasks/reporting.ts', type: 'deleted' }]);
    assert.ok(!(await taskIds(client)).some((id) => id.startsWith('src.tasks.report')));
  });

  test('an exception class created in a new file, extending a class of another file, resolves', async () => {
    assert.ok(codes(client.latestDiagnostics(config.uri) ?? []).includes('TL006'));
    const diagnostics = await onDisk([{ path: 'src/errors/quota.ts', text: "import { AppError } from './base';\n\nexport class QuotaError extends AppError {}\n", type: 'created' }]);
    assert.ok(!codes(diagnostics).includes('TL006'), describeDiagnostics(diagnostics));
    const again = await onDisk([{ path: 'src/errors/quota.ts', text: 'export class QuotaError {}\n', type: 'changed' }]);
    assert.ok(codes(again).includes('TL007'), `no longer an Error: ${describeDiagnostics(again)}`);
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

  test('config.yaml', async () => {
    assert.match((await explainRow(client, 'src.tasks.billing.refund', 'max_retries')) ?? '', /`1` \| config\.yaml:5 \(class\)/);
    await rewrite('config.yaml', 'task:\n  max_retries: 9\n');
    assert.match((await explainRow(client, 'src.tasks.billing.refund', 'max_retries')) ?? '', /`9` \| config\.yaml:2 \(class\)/);
  });

  test('.env', async () => {
    await rewrite('.env', 'PYNENC__MAX_RETRIES=4\n');
    assert.match((await explainRow(client, 'src.tasks.billing.refund', 'max_retries')) ?? '', /`4` \| PYNENC__MAX_RETRIES \(\.env:1\)/);
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

  test('tasklens.env: a value set there wins, and what it shadows is reported', async () => {
    const diagnostics = await settings({ env: { PYNENC__CONFIGTASK__MAX_RETRIES: '9' } });
    assert.match((await explainRow(client, 'src.tasks.billing.refund', 'max_retries')) ?? '', /`9` \| PYNENC__CONFIGTASK__MAX_RETRIES/);
    const shadowed = diagnostics.find((d) => d.code === 'TL014' && d.range.start.line === 4);
    assert.ok(shadowed, describeDiagnostics(diagnostics));
    assert.match(String(shadowed.message), /overridden by PYNENC__CONFIGTASK__MAX_RETRIES/);
    const back = await settings({});
    assert.ok(!back.some((d) => d.code === 'TL014' && d.range.start.line === 4), describeDiagnostics(back));
  });

  test('tasklens.envFiles', async () => {
    await settings({ envFiles: ['.env.local', '.env'] });
    assert.match((await explainRow(client, 'src.tasks.billing.refund', 'max_retries')) ?? '', /`8` \| PYNENC__CONFIGTASK__MAX_RETRIES \(\.env\.local:1\)/);
    await settings({});
  });

  test('tasklens.configFiles: another file becomes config_filepath', async () => {
    await settings({ configFiles: ['other.yaml'] });
    assert.match((await explainRow(client, 'src.tasks.billing.refund', 'max_retries')) ?? '', /`6` \| other\.yaml:1 \(generic\)/);
    await settings({});
    assert.match((await explainRow(client, 'src.tasks.billing.refund', 'max_retries')) ?? '', /`1` \| config\.yaml:5 \(class\)/);
  });

  test('tasklens.moduleRoot: task ids are computed from another folder', async () => {
    await settings({ moduleRoot: 'src' });
    assert.ok((await taskIds(client)).includes('tasks.billing.refund'), (await taskIds(client)).join(', '));
    await settings({});
    assert.ok((await taskIds(client)).includes('src.tasks.billing.refund'));
  });

  test('tasklens.taskFunctionNames: calls of another function declare tasks', async () => {
    assert.ok(!(await taskIds(client)).includes('src.tasks.jobs.nightly'));
    await settings({ taskFunctionNames: ['task', 'job'] });
    assert.ok((await taskIds(client)).includes('src.tasks.jobs.nightly'), (await taskIds(client)).join(', '));
    await settings({});
  });

  test('tasklens.exclude: excluded files define no tasks', async () => {
    await settings({ exclude: ['src/tasks/billing.ts'] });
    const ids = await taskIds(client);
    assert.ok(!ids.includes('src.tasks.billing.refund') && ids.includes('src.tasks.email.sendEmail'), ids.join(', '));
    await settings({});
    assert.ok((await taskIds(client)).includes('src.tasks.billing.refund'));
  });
});
