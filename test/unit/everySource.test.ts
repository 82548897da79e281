// `check` and the editor report the same problems, whatever the source holds
// the bad value (SPEC §9): pyproject.toml, JSON and TOML configs, the files named
// by the FILEPATH variables, the process env and `--env`. The CLI's `main` runs
// in-process (the bin itself: e2e/cli.test.ts); the editor side is what the
// server publishes (`features.diagnose`).
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiskHost } from '../../server/src/analysis/diskHost';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { Workspace } from '../../server/src/analysis/workspace';
import * as features from '../../server/src/features';
import { runCli } from '../cliInProcess';

const TASKS = `export function task<T>(fn: T, _options?: object): T { return fn; }
export const sendEmail = task(async (to: string) => to, { max_retries: 2 });
`;

interface Row { file: string | null; line: number; column: number; code: string; severity: string; message: string }

function workspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-sources-'));
  for (const [file, text] of Object.entries({ 'src/tasks/email.ts': TASKS, ...files })) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

async function check(root: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ status: number; rows: Row[] }> {
  const run = await runCli(['check', '--root', root, '--format', 'json', ...args], env);
  assert.equal(run.stderr, '');
  return { status: run.status, rows: JSON.parse(run.stdout) as Row[] };
}

/** What the editor shows for `file`: code and 1-based line of each diagnostic. */
function editorProblems(root: string, file: string, extraEnv: Record<string, string> = {}): { code: string; line: number; message: string }[] {
  const ws = new Workspace(new DiskHost(root), { root, extraEnv });
  ws.scanTypeScript();
  return features.diagnose(ws, file).map((d) => ({ code: String(d.code), line: d.range.start.line + 1, message: String(d.message) }));
}

function lineOf(root: string, file: string, needle: string): number {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return new LineIndex(text).positionAt(text.indexOf(needle)).line + 1;
}

describe('check covers every source, at the place of the value', () => {
  const cases: { name: string; files: Record<string, string>; file: string; needle: string; code: string; args?: string[] }[] = [
    { name: 'pyproject.toml', files: { 'pyproject.toml': '[project]\nname = "x"\n\n[tool.pynenc]\nrunning_concurrency = "KEYS"\n' }, file: 'pyproject.toml', needle: '"KEYS"', code: 'TL004' },
    { name: 'a JSON config', files: { 'settings.json': '{\n  "task": {\n    "max_retries": "many"\n  }\n}\n' }, file: 'settings.json', needle: '"many"', code: 'TL003', args: ['--config', 'settings.json'] },
    { name: 'a TOML config', files: { 'settings.toml': '[task]\nmax_retries = 1\ncall_result_cache = "false"\n' }, file: 'settings.toml', needle: 'call_result_cache', code: 'TL012', args: ['--config', 'settings.toml'] },
    { name: 'a file named by PYNENC__FILEPATH', files: { '.env': 'PYNENC__FILEPATH=extra.yaml\n', 'extra.yaml': 'task:\n  registration_concurrency: Keys\n' }, file: 'extra.yaml', needle: 'Keys', code: 'TL004' },
    { name: 'a .env holding a NUL (no variable of it is read)', files: { '.env': 'PYNENC__MAX_RETRIES=1\nPYNENC__X=\u0000\n' }, file: '.env', needle: '\u0000', code: 'TL001' },
    { name: 'a file named by PYNENC__CONFIGTASK__FILEPATH', files: { '.env': 'PYNENC__CONFIGTASK__FILEPATH=more.json\n', 'more.json': '{"max_retries": [1]}' }, file: 'more.json', needle: '[1]', code: 'TL003' },
  ];
  for (const c of cases) {
    test(`${c.name}: check exits 1 with ${c.code} at its line, and the editor shows the same`, async () => {
      const root = workspace(c.files);
      try {
        const { status, rows } = await check(root, c.args);
        assert.equal(status, c.code === 'TL012' ? 0 : 1, JSON.stringify(rows));
        const line = lineOf(root, c.file, c.needle);
        const row = rows.find((r) => r.code === c.code);
        assert.ok(row, JSON.stringify(rows));
        assert.deepEqual({ file: row.file, line: row.line }, { file: c.file, line });
        if (c.args === undefined) {
          const shown = editorProblems(root, c.file).find((d) => d.code === c.code);
          assert.deepEqual(shown && { line: shown.line, message: shown.message }, { line, message: row.message });
        }
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }

  test('a JSON config that fails to load: TL001 in check and in the editor', async () => {
    const root = workspace({ 'config.json': '{\n  "max_retries": 2,\n  oops\n}\n' });
    try {
      const { status, rows } = await check(root, ['--config', 'config.json']);
      assert.equal(status, 1);
      const row = rows.find((r) => r.code === 'TL001');
      assert.equal(row?.file, 'config.json');
      assert.equal(row?.line, 3);
      const ws = new Workspace(new DiskHost(root), { root, configFile: 'config.json' });
      const shown = features.diagnose(ws, 'config.json').find((d) => d.code === 'TL001');
      assert.equal(shown?.range.start.line, 2);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a value from the process env or --env: at the definition of every task it breaks, naming the variable and its origin', async () => {
    const root = workspace({});
    try {
      const line = lineOf(root, 'src/tasks/email.ts', 'sendEmail');
      const fromProcess = await check(root, [], { PYNENC__MAX_RETRIES: 'lots' });
      assert.equal(fromProcess.status, 1);
      assert.deepEqual(fromProcess.rows.filter((r) => r.severity !== 'hint').map((r) => [r.file, r.line, r.code, r.message.split(':')[0]]), [['src/tasks/email.ts', line, 'TL003', 'PYNENC__MAX_RETRIES (process env)']]);
      const fromFlag = await check(root, ['--env', 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=KEYS']);
      assert.equal(fromFlag.status, 1);
      assert.deepEqual(fromFlag.rows.filter((r) => r.severity !== 'hint').map((r) => [r.file, r.line, r.code, r.message.split(':')[0]]), [['src/tasks/email.ts', line, 'TL004', 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY (--env)']]);
      assert.deepEqual(editorProblems(root, 'src/tasks/email.ts', { PYNENC__CONFIGTASK__RUNNING_CONCURRENCY: 'KEYS' }).filter((d) => d.code === 'TL004').map((d) => d.line), [line]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('with no task defined, a file-less value is reported with file null', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-sources-'));
    try {
      const { status, rows } = await check(root, ['--env', 'PYNENC__MAX_RETRIES=x']);
      assert.equal(status, 1);
      assert.deepEqual(rows.map((r) => [r.file, r.code]), [[null, 'TL003']]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('SARIF and GitHub formats carry the same problems', async () => {
    const root = workspace({ 'config.yaml': 'task:\n  running_concurrency: KEYS\n' });
    try {
      const sarif = JSON.parse((await runCli(['check', '--root', root, '--format', 'sarif'])).stdout);
      assert.equal(sarif.version, '2.1.0');
      assert.equal(sarif.runs.length, 1);
      const rules = sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
      assert.equal(rules.length, 25);
      assert.equal(rules[0], 'TL001');
      assert.equal(rules[24], 'TL025');
      const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'TL004');
      assert.equal(result.level, 'error');
      assert.deepEqual(result.locations[0].physicalLocation.artifactLocation, { uri: 'config.yaml', uriBaseId: 'ROOT' });
      assert.equal(result.locations[0].physicalLocation.region.startLine, 2);
      const github = await runCli(['check', '--root', root, '--format', 'github']);
      assert.equal(github.status, 1);
      assert.match(github.stdout, /^::error file=config\.yaml,line=2,col=24,endLine=2,endColumn=28,title=TL004::'KEYS' is not a valid ConcurrencyControlType value/m);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('TL014 on a per-task value: whatever source can beat it does, and nothing else', () => {
  const section = 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 5\n';
  const cases: { name: string; files: Record<string, string>; env?: Record<string, string>; by?: RegExp }[] = [
    { name: 'nothing stronger', files: {} },
    { name: 'a class-level file (a later mapping) setting the field generically', files: { '.env': 'PYNENC__CONFIGTASK__FILEPATH=more.yaml\n', 'more.yaml': 'max_retries: 9\n' }, by: /overridden by more\.yaml:1$/ },
    { name: 'a later mapping setting it for this task', files: { '.env': 'PYNENC__CONFIGTASK__FILEPATH=more.yaml\n', 'more.yaml': 'task:\n  src.tasks.email.sendEmail:\n    max_retries: 9\n' }, by: /overridden by more\.yaml:3$/ },
    { name: 'a later mapping setting it for another task only', files: { '.env': 'PYNENC__CONFIGTASK__FILEPATH=more.yaml\n', 'more.yaml': 'task:\n  src.tasks.email.other:\n    max_retries: 9\n' } },
    { name: 'a generic env var', files: {}, env: { PYNENC__CONFIGTASK__MAX_RETRIES: '1' }, by: /overridden by PYNENC__CONFIGTASK__MAX_RETRIES/ },
    { name: 'a per-task env var', files: {}, env: { 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES': '1' }, by: /overridden by PYNENC__CONFIGTASK__SRC\.TASKS\.EMAIL#SENDEMAIL__MAX_RETRIES/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const root = workspace({ 'config.yaml': section, ...c.files });
      try {
        const shadowed = editorProblems(root, 'config.yaml', c.env).filter((d) => d.code === 'TL014');
        if (c.by === undefined) assert.deepEqual(shadowed, []);
        else {
          assert.equal(shadowed.length, 1, JSON.stringify(shadowed));
          assert.deepEqual(shadowed[0].line, 3);
          assert.match(shadowed[0].message, c.by);
        }
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }
});

describe('TL014 on a task() option: what beats tasks without a source of their own is the same for each, and a task with one gets its own', () => {
  const code = `export function task<T>(fn: T, _options?: object): T { return fn; }
export const sendEmail = task(async (to: string) => to, { max_retries: 2 });
export const sendSms = task(async (to: string) => to, { max_retries: 3 });
export const refund = task(async (id: string) => id, { max_retries: 4 });
export const charge = task(async (id: string) => id, { max_retries: 5 });
`;
  const perTask = 'task:\n  max_retries: 7\n  src.tasks.email.refund:\n    max_retries: 8\n';
  const cases: { name: string; config?: string; env?: Record<string, string>; by: Record<string, RegExp | undefined> }[] = [
    { name: 'no config: every option takes effect', by: { sendEmail: undefined, sendSms: undefined, refund: undefined, charge: undefined } },
    {
      name: 'a class-level value beats the options, a task section beats its own',
      config: perTask,
      by: { sendEmail: /overridden by config\.yaml:2$/, sendSms: /overridden by config\.yaml:2$/, refund: /overridden by config\.yaml:4$/, charge: /overridden by config\.yaml:2$/ },
    },
    {
      name: 'a per-task env var beats its task\'s option; the others keep the class-level winner',
      config: perTask,
      env: { 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#CHARGE__MAX_RETRIES': '1' },
      by: { sendEmail: /overridden by config\.yaml:2$/, sendSms: /overridden by config\.yaml:2$/, refund: /overridden by config\.yaml:4$/, charge: /overridden by PYNENC__CONFIGTASK__SRC\.TASKS\.EMAIL#CHARGE__MAX_RETRIES/ },
    },
    { name: 'a generic env var beats every option', env: { PYNENC__CONFIGTASK__MAX_RETRIES: '1' }, by: { sendEmail: /PYNENC__CONFIGTASK__MAX_RETRIES/, sendSms: /PYNENC__CONFIGTASK__MAX_RETRIES/, refund: /PYNENC__CONFIGTASK__MAX_RETRIES/, charge: /PYNENC__CONFIGTASK__MAX_RETRIES/ } },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const root = workspace({ 'src/tasks/email.ts': code, ...(c.config ? { 'config.yaml': c.config } : {}) });
      try {
        const shadowed = editorProblems(root, 'src/tasks/email.ts', c.env).filter((d) => d.code === 'TL014');
        const expected = Object.entries(c.by).filter(([, by]) => by !== undefined);
        assert.equal(shadowed.length, expected.length, JSON.stringify(shadowed));
        for (const [name, by] of expected) {
          const found = shadowed.find((d) => d.line === lineOf(root, 'src/tasks/email.ts', `const ${name} `));
          assert.ok(found, `TL014 on ${name}'s option`);
          assert.match(found.message, by!);
        }
        // `check` says the same (it keeps nothing between files: the shared answer is worked out afresh).
        const args = Object.entries(c.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
        const rows = (await check(root, args)).rows.filter((r) => r.code === 'TL014' && r.file === 'src/tasks/email.ts');
        assert.deepEqual(rows.map((r) => [r.line, r.message]), shadowed.map((d) => [d.line, d.message]));
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }

  test('an edit of the config or the env changes what beats the options in the same workspace', () => {
    const root = workspace({ 'src/tasks/email.ts': code, 'config.yaml': perTask });
    try {
      const ws = new Workspace(new DiskHost(root), { root });
      ws.scanTypeScript();
      const shadowing = () => features.diagnose(ws, 'src/tasks/email.ts').filter((d) => d.code === 'TL014').map((d) => String(d.message).split(': overridden by ')[1]);
      assert.deepEqual(shadowing(), ['config.yaml:2', 'config.yaml:2', 'config.yaml:4', 'config.yaml:2']);
      ws.setOverlay('config.yaml', 'task:\n  src.tasks.email.sendSms:\n    max_retries: 8\n');
      assert.deepEqual(shadowing(), ['config.yaml:3']);
      ws.setOverlay('config.yaml', '# nothing\nmax_retries: 1\n');
      assert.deepEqual(shadowing(), ['config.yaml:2', 'config.yaml:2', 'config.yaml:2', 'config.yaml:2']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
