// The CLI's `main` (server/src/cli.ts) called inside the test process: the same
// arguments, exit status, stdout and stderr as the bin, without a process start
// (~0.5 s each) per run. For tests of what a command answers; what only the
// process shows — the bin as a program, its exit code, the shell line before
// Node — stays in test/e2e/cli.test.ts, which runs the built bin.
import { main } from '../server/src/cli';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `tasklens <args>` with `env` as the whole process env beside the test's
 * own variables, minus every PYNENC__ one (as the e2e runs pass it), from `cwd`.
 */
export async function runCli(args: readonly string[], env: Record<string, string> = {}, cwd: string = process.cwd()): Promise<CliRun> {
  const saved = { env: process.env, cwd: process.cwd(), out: process.stdout.write, err: process.stderr.write };
  let stdout = '';
  let stderr = '';
  const capture = (append: (text: string) => void) =>
    ((chunk: string | Uint8Array): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  process.env = { ...Object.fromEntries(Object.entries(saved.env).filter(([key]) => !key.startsWith('PYNENC__'))), ...env };
  process.chdir(cwd);
  process.stdout.write = capture((text) => (stdout += text));
  process.stderr.write = capture((text) => (stderr += text));
  try {
    // Tests run one at a time: nothing else writes while the streams are captured.
    const status = await main(args);
    return { status, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.chdir(saved.cwd);
    process.env = saved.env;
  }
}
