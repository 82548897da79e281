// Times the command line on realistic workspaces: `tasklens check --root DIR` and
// `tasklens explain <id> --root DIR`, wall time and peak RSS of the child, through
// `/usr/bin/time -v` when it exists (else the child's own figures are unknown and
// only wall time is given), with a timeout that kills the child.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeBenchWorkspace } from './generate.mjs';
import { REPO, now, processMemory } from './lsp.mjs';

/** The node process: `time`'s child when run under /usr/bin/time, else the child itself. */
function nodePid(pid) {
  if (!TIME) return pid;
  try {
    return Number(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]) || undefined;
  } catch {
    return undefined;
  }
}

const CLI = path.join(REPO, 'server', 'out', 'cli.js');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs `node cli.js ...args`; resolves to `{ wallMs, peakRssMb, exitCode, stdoutFile, timedOut }`. */
function runCli(args, { timeoutMs, stdoutFile }) {
  return new Promise((resolve) => {
    const out = fs.openSync(stdoutFile, 'w');
    const command = TIME ? [TIME, ['-v', process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
    const start = now();
    // Its own process group, so that a timeout ends `time` and node together.
    const child = spawn(command[0], command[1], { stdio: ['ignore', out, 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    let timedOut = false;
    // Peak RSS polled from /proc as well: `time -v` prints nothing for a child killed at the timeout.
    let polledPeakMb = NaN;
    const poll = setInterval(() => {
      const pid = nodePid(child.pid);
      if (pid === undefined) return;
      const { peakRssMb } = processMemory(pid);
      if (Number.isFinite(peakRssMb)) polledPeakMb = Number.isFinite(polledPeakMb) ? Math.max(polledPeakMb, peakRssMb) : peakRssMb;
    }, 250);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      fs.closeSync(out);
      const wallMs = now() - start;
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const status = /Exit status: (\d+)/.exec(stderr);
      resolve({
        wallMs,
        peakRssMb: rss ? Number(rss[1]) / 1024 : polledPeakMb,
        exitCode: status ? Number(status[1]) : code,
        timedOut,
        stderr: stderr.replace(/\tCommand being timed[\s\S]*$/, '').trim().slice(-500),
      });
    });
  });
}

/**
 * For each size: a realistic workspace, then `check` and `explain` `runs` times each.
 * Returns one record per size with the medians (and every run).
 */
export async function benchCli({ sizes = [5000, 42000], denseSizes = [42000], runs = 1, timeoutMs = 300_000, log = () => {} } = {}) {
  const results = [];
  const cases = [...sizes.map((n) => ['realistic', n]), ...denseSizes.map((n) => ['dense', n])];
  for (const [generator, sections] of cases) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `tasklens-bench-cli-${sections}-`));
    try {
      log(`cli: generating ${sections} ${generator} sections`);
      const config = writeBenchWorkspace(root, generator, sections);
      // A task with a section, in the middle of the file.
      const defined = config.sections.filter((s) => s.defined);
      const taskId = defined[Math.floor(defined.length / 2)].id;
      const record = { generator, sections, bytes: config.bytes, lines: config.lineCount, taskFiles: config.taskFiles, taskId, check: [], explain: [] };
      for (let r = 0; r < runs; r++) {
        // Outside the workspace, so that `check` never sees it.
        const stdoutFile = path.join(os.tmpdir(), `tasklens-bench-cli-out-${process.pid}.json`);
        log(`cli: check --root (${sections} sections, run ${r + 1})`);
        const check = await runCli(['check', '--root', root, '--format', 'json'], { timeoutMs, stdoutFile });
        if (!check.timedOut) {
          try {
            const problems = JSON.parse(fs.readFileSync(stdoutFile, 'utf8'));
            check.problems = problems.length;
            check.codes = {};
            for (const p of problems) check.codes[p.code] = (check.codes[p.code] ?? 0) + 1;
          } catch {
            check.problems = NaN;
          }
        }
        record.check.push(check);
        log(`cli: explain ${taskId} (run ${r + 1})`);
        const explain = await runCli(['explain', taskId, '--root', root, '--format', 'json'], { timeoutMs, stdoutFile });
        record.explain.push(explain);
        if (check.timedOut && explain.timedOut) break;
      }
      results.push(record);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  return results;
}
