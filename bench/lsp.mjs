// A minimal LSP client over stdio for the benchmark: starts a server as a child
// process, speaks JSON-RPC through vscode-jsonrpc, and puts a timeout on every
// wait so that a server that hangs fails the measurement with a message instead
// of hanging the bench.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA = path.join(REPO, 'bench', 'tasklens-config.schema.json');

/** Node options for the Tasklens server only, for profiling it (`BENCH_SERVER_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/p'`). */
const SERVER_FLAGS = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean);

export const SERVERS = {
  tasklens: { label: 'tasklens', command: [...SERVER_FLAGS, path.join(REPO, 'server', 'out', 'server.js'), '--stdio'] },
  'yaml-language-server': { label: 'yaml-ls 1.24.0', command: [require.resolve('yaml-language-server/bin/yaml-language-server'), '--stdio'] },
};

export class TimeoutError extends Error {}

/** `promise`, or a TimeoutError naming `what` after `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${(ms / 1000).toFixed(0)} s`)), ms);
    }),
  ]);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const now = () => Number(process.hrtime.bigint()) / 1e6;

/** `VmHWM` (peak RSS) and `VmRSS` of a process, in MB, from /proc. */
export function processMemory(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return { peakRssMb: NaN, rssMb: NaN };
  }
}

/**
 * The highest peak RSS of the processes `pid` starts, polled from /proc while it
 * runs (Tasklens parses TypeScript in a child while it indexes: its memory is the
 * editor's too, for that while). `stop()` ends the polling.
 */
function childPeakWatcher(pid) {
  let peakMb = NaN;
  const poll = () => {
    let children = [];
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return;
    }
    for (const child of children) {
      const { peakRssMb } = processMemory(child);
      if (Number.isFinite(peakRssMb)) peakMb = Number.isFinite(peakMb) ? Math.max(peakMb, peakRssMb) : peakRssMb;
    }
  };
  const timer = setInterval(poll, 50);
  return { peakMb: () => (poll(), peakMb), stop: () => clearInterval(timer) };
}

/**
 * Starts `name` (a key of SERVERS) on the workspace folder `root` and initialises it.
 * Resolves when the server is ready for the bench: for Tasklens, when its
 * `tasklens/status` notification says indexing is over.
 */
export async function startServer(name, root, { timeoutMs = 120_000 } = {}) {
  const started = now();
  const proc = spawn(process.execPath, SERVERS[name].command, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  let exited = null;
  const exit = new Promise((resolve) => proc.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  const children = childPeakWatcher(proc.pid);
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const diagnosticWaiters = new Set();
  const latest = new Map();
  conn.onNotification('textDocument/publishDiagnostics', (params) => {
    const at = now();
    latest.set(params.uri, params);
    for (const w of [...diagnosticWaiters]) w(params, at);
  });
  let indexed;
  const ready = new Promise((resolve) => {
    indexed = resolve;
  });
  conn.onNotification('tasklens/status', (params) => {
    if (params && params.indexing === false) indexed();
  });
  const schemaUri = pathToFileURL(SCHEMA).toString();
  const yamlSettings = { validate: true, hover: true, completion: true, schemas: { [schemaUri]: ['config.yaml'] }, schemaStore: { enable: false }, format: { enable: false }, maxItemsComputed: 5000 };
  conn.onRequest('workspace/configuration', (params) => params.items.map((item) => {
    if (item.section === 'yaml') return yamlSettings;
    if (item.section === 'tasklens') return {};
    return null;
  }));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification(() => {});
  conn.onError(() => {});
  conn.listen();
  const uri = pathToFileURL(root).toString();
  const request = (method, params, ms = timeoutMs) => {
    if (exited) return Promise.reject(new Error(`${name} exited (${JSON.stringify(exited)}) before ${method}; stderr: ${stderr.trim().slice(-300)}`));
    return withTimeout(
      Promise.race([conn.sendRequest(method, params), exit.then((e) => Promise.reject(new Error(`${name} exited (${JSON.stringify(e)}) during ${method}; stderr: ${stderr.trim().slice(-300)}`)))]),
      ms, `${name} ${method}`);
  };
  const server = {
    name, proc, conn, latest, request,
    notify: (method, params) => conn.sendNotification(method, params),
    /**
     * The next publishDiagnostics for `uri` (with version ≥ `minVersion` when the
     * server sends versions), and when it arrived (hrtime ms).
     */
    nextDiagnostics(uri, { minVersion, ms = timeoutMs, what = 'publishDiagnostics' } = {}) {
      let waiter;
      const promise = new Promise((resolve) => {
        waiter = (params, at) => {
          if (params.uri !== uri) return;
          if (minVersion !== undefined && typeof params.version === 'number' && params.version < minVersion) return;
          diagnosticWaiters.delete(waiter);
          resolve({ params, at });
        };
        diagnosticWaiters.add(waiter);
      });
      const result = withTimeout(promise, ms, `${name} ${what}`).finally(() => diagnosticWaiters.delete(waiter));
      // Registered ahead of time, it may be abandoned when another wait fails first: never unhandled.
      result.catch(() => {});
      return result;
    },
    memory: () => ({ ...processMemory(proc.pid), childPeakRssMb: children.peakMb() }),
    async stop() {
      try {
        await withTimeout(conn.sendRequest('shutdown'), 3000, 'shutdown');
        conn.sendNotification('exit');
        await withTimeout(exit, 3000, 'exit');
      } catch {
        // A server that does not shut down in time is killed.
      }
      if (!exited) proc.kill('SIGKILL');
      children.stop();
      conn.dispose();
    },
  };
  await request('initialize', {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: [{ uri, name: 'bench' }],
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
      window: { workDoneProgress: true },
      textDocument: {
        synchronization: { didSave: false },
        completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        publishDiagnostics: { versionSupport: true },
      },
    },
    initializationOptions: {},
  });
  server.notify('initialized', {});
  server.notify('workspace/didChangeConfiguration', { settings: { yaml: yamlSettings } });
  if (name === 'tasklens') await withTimeout(ready, timeoutMs, `${name} indexing (tasklens/status indexing: false)`);
  else await sleep(200);
  server.readyMs = now() - started;
  return server;
}
