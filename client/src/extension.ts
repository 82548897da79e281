// The VS Code side of Tasklens: it starts the bundled language server and
// registers the commands. Every answer comes from the server; nothing here
// knows about task configuration.
import * as vscode from 'vscode';
import { DocumentSelector, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { ConfigurationChangedNotification, EnvironmentsNotification, EnvironmentsParams, StatusNotification, StatusParams } from '../../server/src/protocol';
import {
  FILTER_TASKS_COMMAND, OPEN_SOURCE_COMMAND, PICK_ENVIRONMENT_COMMAND, REFRESH_TASKS_COMMAND, RESTART_SERVER_COMMAND,
  SHOW_EFFECTIVE_CONFIGURATION_COMMAND,
} from './commands';
import { EnvironmentPicker } from './environmentPicker';
import { openSource, TaskFilter, TasksView } from './tasksView';
import { EFFECTIVE_CONFIGURATION_SCHEME, EffectiveConfigurationDocuments, showEffectiveConfiguration } from './effectiveConfiguration';
import { CrashReporter, RestartOnCrash } from './restartOnCrash';
import { TaskStatusItem } from './statusItem';

const CLIENT_ID = 'tasklens';
const CLIENT_NAME = 'Tasklens';
const SERVER_MODULE = 'server/out/server.js';

/**
 * Every file kind is sent whole; the server decides which files are config files
 * (the configured names, `pyproject.toml`, the files env vars point to, any YAML
 * file with a top-level `task:`) and answers nothing for the others.
 */
const DOCUMENT_SELECTOR: DocumentSelector = [
  { scheme: 'file', language: 'yaml' },
  { scheme: 'file', language: 'json' },
  { scheme: 'file', language: 'jsonc' },
  { scheme: 'file', language: 'toml' },
  { scheme: 'file', pattern: '**/*.toml' },
  { scheme: 'file', language: 'dotenv' },
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'typescriptreact' },
  { scheme: 'file', language: 'python' },
];

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  const status = new TaskStatusItem();
  const restarts = new RestartOnCrash(crashReporter(output, status));
  const languageClient = createClient(context, output, restarts);
  const documents = new EffectiveConfigurationDocuments(languageClient);
  const tasks = new TasksView(languageClient);
  const environments = new EnvironmentPicker();
  client = languageClient;

  context.subscriptions.push(
    output,
    status,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(EFFECTIVE_CONFIGURATION_SCHEME, documents),
    vscode.commands.registerCommand(SHOW_EFFECTIVE_CONFIGURATION_COMMAND, (taskId?: unknown, folderUri?: unknown) =>
      showEffectiveConfiguration(languageClient, taskId, folderUri),
    ),
    vscode.commands.registerCommand(RESTART_SERVER_COMMAND, () => restartServer(languageClient, restarts)),
    languageClient.onNotification(StatusNotification, (params: StatusParams) => {
      status.show(params);
      if (!params.indexing) tasks.refresh();
    }),
    languageClient.onNotification(ConfigurationChangedNotification, () => {
      documents.refreshOpenDocuments();
      tasks.refresh();
    }),
    tasks,
    environments,
    vscode.window.registerTreeDataProvider('tasklens.tasks', tasks),
    vscode.commands.registerCommand(REFRESH_TASKS_COMMAND, () => tasks.refresh()),
    vscode.commands.registerCommand(FILTER_TASKS_COMMAND, async () => {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'All tasks', filter: 'all' as TaskFilter },
          { label: 'Tasks with problems', filter: 'problems' as TaskFilter },
          { label: 'Fields not at their default', filter: 'notDefault' as TaskFilter },
        ],
        { placeHolder: 'Show in the Tasks view…' },
      );
      if (choice) tasks.setFilter(choice.filter);
    }),
    vscode.commands.registerCommand(OPEN_SOURCE_COMMAND, (uri: string, line: number) => openSource(uri, line)),
    vscode.commands.registerCommand(PICK_ENVIRONMENT_COMMAND, () => environments.pick()),
    languageClient.onNotification(EnvironmentsNotification, (params: EnvironmentsParams) => environments.show(params)),
  );
  try {
    await languageClient.start();
  } catch (error) {
    // Keep the commands registered: "Restart server" is how the user retries.
    output.error('The server failed to start', error instanceof Error ? error : String(error));
    status.showStopped();
  }
}

export async function deactivate(): Promise<void> {
  // A client that gave up or never started has nothing to stop, and stop() would reject.
  if (client?.needsStop()) await client.stop();
  client = undefined;
}

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, restarts: RestartOnCrash): LanguageClient {
  const module = context.asAbsolutePath(SERVER_MODULE);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // The server registers its own file watchers (workspace/didChangeWatchedFiles), so none here: each event arrives once.
    synchronize: { configurationSection: CLIENT_ID },
    outputChannel: output,
    errorHandler: restarts,
  };
  // The id makes the client read `tasklens.trace.server` for protocol tracing.
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}

async function restartServer(languageClient: LanguageClient, restarts: RestartOnCrash): Promise<void> {
  restarts.reset();
  // After the client gave up it is stopped, and restart() would try to stop it again.
  if (languageClient.isRunning()) await languageClient.restart();
  else await languageClient.start();
}

const SHOW_OUTPUT = 'Show output';
const RESTART = 'Restart server';

function crashReporter(output: vscode.LogOutputChannel, status: TaskStatusItem): CrashReporter {
  return {
    restarted() {
      output.warn('The server stopped unexpectedly and was restarted.');
      void offerOutput(output, 'The Tasklens server stopped unexpectedly and was restarted.');
    },
    gaveUp(crashes, windowMinutes) {
      output.error(`The server stopped ${crashes} times in ${windowMinutes} minutes; it will not be restarted.`);
      status.showStopped();
      void offerOutput(
        output,
        `The Tasklens server stopped ${crashes} times in ${windowMinutes} minutes and will not be restarted. Run "Tasklens: Restart server" to try again.`,
        RESTART,
      );
    },
  };
}

async function offerOutput(output: vscode.LogOutputChannel, message: string, ...extraActions: string[]): Promise<void> {
  const choice = await vscode.window.showWarningMessage(message, SHOW_OUTPUT, ...extraActions);
  if (choice === SHOW_OUTPUT) output.show(true);
  if (choice === RESTART) await vscode.commands.executeCommand(RESTART_SERVER_COMMAND);
}
