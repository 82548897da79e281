// Timing helpers of the index benchmarks (scripts/bench-typescript.mjs,
// scripts/bench-python.mjs): wall and CPU time of one run, the median of many,
// and a garbage collection before measuring memory or a cold start.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** `gc()` without asking for `--expose-gc` on the command line, so RSS reflects live data. */
const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
})();

export function collectGarbage() {
  gc();
  gc();
}

/** Milliseconds since `start` (a `process.hrtime.bigint()`). */
export const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** The middle value (the upper one of an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Wall and CPU milliseconds of `run`; CPU time is what other processes on a shared machine disturb least. */
export function timed(run) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = run();
  const wallMs = ms(start);
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}
