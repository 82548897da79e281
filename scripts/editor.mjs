#!/usr/bin/env node
// `npm run editor`: the demo in a real VS Code. Starts code-server 4.100.3
// (VS Code 1.100.3, installed by test/editor/install.sh) on 127.0.0.1 with the
// Tasklens .vsix installed (built first if it is missing or older than the
// bundles) and examples/demo open, prints the URL, and runs until Ctrl+C.
//
//   npm run editor                  a fresh copy of examples/demo, on port 8080 (or a free one)
//   npm run editor -- --port 9000   another port
//   npm run editor -- --in-place    open examples/demo itself (edits change the repo)
//   npm run editor -- --folder DIR  open another workspace folder
//
// Every run starts from a fresh user-data and extensions dir, removed on exit.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CODE_SERVER_ENTRY,
  DEMO_DIR,
  EDITOR_DIR,
  USER_SETTINGS,
  copyDemo,
  ensureVsix,
  freePort,
  makeTempRoot,
  removeTempRoot,
  startCodeServer,
} from '../test/editor/harness.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'in-place': { type: 'boolean', default: false },
    folder: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

function log(message) {
  console.error(`[tasklens] ${message}`);
}

async function choosePort() {
  if (values.port) return Number(values.port);
  if (process.env.PORT) return Number(process.env.PORT);
  // 8080 when it is free, else any free port.
  const probe = await import('node:net').then(
    ({ createServer }) =>
      new Promise((done) => {
        const server = createServer();
        server.once('error', () => done(false));
        server.listen(8080, '127.0.0.1', () => server.close(() => done(true)));
      }),
  );
  return probe ? 8080 : freePort();
}

async function main() {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    log('code-server is not installed yet: running test/editor/install.sh');
    const install = spawnSync('bash', [join(EDITOR_DIR, 'install.sh')], { stdio: 'inherit' });
    if (install.status !== 0) throw new Error(`test/editor/install.sh failed (exit ${install.status})`);
  }
  const vsix = ensureVsix({ log });
  let stopping = false;
  const root = makeTempRoot('tasklens-editor-');
  let folder;
  if (values.folder) folder = resolve(values.folder);
  else if (values['in-place']) folder = DEMO_DIR;
  else folder = copyDemo(root);

  const settings = { ...USER_SETTINGS };
  delete settings['editor.wordBasedSuggestions']; // a test setting: keep VS Code's default here
  const port = await choosePort();
  log(`installing ${vsix} and starting code-server on 127.0.0.1:${port}…`);
  const server = await startCodeServer({ root, vsix, folder, port, settings, log: values.verbose ? log : () => {} });

  const stop = (code = 0) => {
    if (stopping) return;
    stopping = true;
    log('stopping code-server');
    server.stop();
    // Give code-server a moment to end its extension host and the language server.
    setTimeout(() => {
      removeTempRoot(root);
      process.exit(code);
    }, 1000);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  console.log('');
  console.log(`  Tasklens demo in VS Code (code-server 4.100.3): ${server.folderUrl}`);
  console.log(`  Workspace: ${folder}${folder === DEMO_DIR ? '' : ' (a copy of examples/demo)'}`);
  console.log('  Open config.yaml, src/tasks/email.ts or .env. Ctrl+C stops.');
  console.log('');

  // Keep running until Ctrl+C, or until code-server itself ends.
  const watch = setInterval(() => {
    const exited = server.exited();
    if (exited && !stopping) {
      clearInterval(watch);
      log(`code-server exited (${JSON.stringify(exited)}):\n${server.output().slice(-3000)}`);
      stop(1);
    }
  }, 1000);
}

main().catch((error) => {
  console.error(`[tasklens] ${error.message}`);
  process.exit(1);
});
