// "Tasklens: Show effective configuration…": pick a task, read its table of
// effective values and sources in a read-only document. The server renders the
// Markdown; this file only asks for it and keeps open documents current.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import {
  ExplainTaskParams,
  ExplainTaskRequest,
  ExplainTaskResult,
  ListTasksRequest,
  ListTasksResult,
  TaskSummary,
} from '../../server/src/protocol';

/** Documents `tasklens:/effective/<taskId>.md?folder=<folderUri>`; the `.md` makes them Markdown. */
export const EFFECTIVE_CONFIGURATION_SCHEME = 'tasklens';
const PATH_PREFIX = '/effective/';
const PATH_SUFFIX = '.md';

export function effectiveConfigurationUri(task: ExplainTaskParams): vscode.Uri {
  const query = task.folderUri ? new URLSearchParams({ folder: task.folderUri }).toString() : '';
  return vscode.Uri.from({ scheme: EFFECTIVE_CONFIGURATION_SCHEME, path: `${PATH_PREFIX}${task.id}${PATH_SUFFIX}`, query });
}

function taskOfUri(uri: vscode.Uri): ExplainTaskParams | undefined {
  if (!uri.path.startsWith(PATH_PREFIX) || !uri.path.endsWith(PATH_SUFFIX)) return undefined;
  const id = uri.path.slice(PATH_PREFIX.length, -PATH_SUFFIX.length);
  const folderUri = new URLSearchParams(uri.query).get('folder') ?? undefined;
  return { id, folderUri };
}

/** Content of the `tasklens:` documents, fetched from the server each time VS Code asks. */
export class EffectiveConfigurationDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: LanguageClient) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const task = taskOfUri(uri);
    if (!task) return `Not a Tasklens document: ${uri.toString()}\n`;
    try {
      const result = await this.client.sendRequest<ExplainTaskResult>(ExplainTaskRequest, task, token);
      return result.markdown;
    } catch (error) {
      // The document stays open across server restarts, so say what happened instead of failing.
      return `# ${task.id}\n\nThe Tasklens server could not explain this task: ${messageOf(error)}\n`;
    }
  }

  /** Called when the server reports a configuration change: every open view re-reads. */
  refreshOpenDocuments(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === EFFECTIVE_CONFIGURATION_SCHEME) this.changed.fire(document.uri);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * The command. Called with a task id (from a link or a test) it skips the picker.
 */
export async function showEffectiveConfiguration(client: LanguageClient, taskId?: unknown, folderUri?: unknown): Promise<void> {
  const task = typeof taskId === 'string' ? { id: taskId, folderUri: typeof folderUri === 'string' ? folderUri : undefined } : await pickTask(client);
  if (!task) return;
  const document = await vscode.workspace.openTextDocument(effectiveConfigurationUri(task));
  await vscode.window.showTextDocument(document, { preview: true });
}

interface TaskPickItem extends vscode.QuickPickItem {
  readonly task: TaskSummary;
}

async function pickTask(client: LanguageClient): Promise<ExplainTaskParams | undefined> {
  let tasks: ListTasksResult;
  try {
    tasks = await client.sendRequest<ListTasksResult>(ListTasksRequest);
  } catch (error) {
    void vscode.window.showErrorMessage(`Tasklens could not list the tasks: ${messageOf(error)}`);
    return undefined;
  }
  if (tasks.length === 0) {
    void vscode.window.showInformationMessage('Tasklens found no tasks in this workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(tasks.map(taskPickItem), {
    title: 'Tasklens: Show effective configuration',
    placeHolder: 'Pick a task to see its effective configuration and where each value comes from',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked && { id: picked.task.id, folderUri: picked.task.folderUri };
}

function taskPickItem(task: TaskSummary): TaskPickItem {
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const folder = multiRoot ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(task.folderUri))?.name : undefined;
  const detail = task.uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(task.uri), multiRoot) : undefined;
  return { label: task.id, description: folder, detail, task };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
