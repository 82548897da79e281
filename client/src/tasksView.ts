// The Tasks view in the Explorer: tasks grouped by module, each expanding to its
// eleven effective values with their source; errors marked; a click opens where
// the value is written. The data comes from the server (`tasklens/taskTree`).
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { TaskTreeField, TaskTreeRequest, TaskTreeResult, TaskTreeTask } from '../../server/src/protocol';
import { OPEN_SOURCE_COMMAND } from './commands';

type Node =
  | { readonly kind: 'module'; readonly module: string; readonly tasks: readonly TaskTreeTask[] }
  | { readonly kind: 'task'; readonly task: TaskTreeTask }
  | { readonly kind: 'field'; readonly task: TaskTreeTask; readonly field: TaskTreeField };

export type TaskFilter = 'all' | 'problems' | 'notDefault';

export class TasksView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private tasks: TaskTreeResult = [];
  private filter: TaskFilter = 'all';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly client: LanguageClient) {}

  /** Fetches again, at most every 300 ms while the user types. */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.load();
    }, 300);
  }

  private async load(): Promise<void> {
    if (!this.client.isRunning()) return;
    try {
      this.tasks = await this.client.sendRequest(TaskTreeRequest);
    } catch {
      this.tasks = [];
    }
    this.changed.fire(undefined);
  }

  setFilter(filter: TaskFilter): void {
    this.filter = filter;
    void vscode.commands.executeCommand('setContext', 'tasklens.tasksFilter', filter);
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'module': {
        const item = new vscode.TreeItem(node.module, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.contextValue = 'module';
        return item;
      }
      case 'task': {
        const item = new vscode.TreeItem(node.task.func, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = node.task.hasProblems ? 'fails to configure' : undefined;
        item.tooltip = node.task.id;
        item.iconPath = new vscode.ThemeIcon(node.task.hasProblems ? 'error' : 'symbol-event', node.task.hasProblems ? new vscode.ThemeColor('problemsErrorIcon.foreground') : undefined);
        item.contextValue = 'task';
        item.id = `${node.task.folderUri}#${node.task.id}`;
        if (node.task.uri) item.command = { command: OPEN_SOURCE_COMMAND, title: 'Open', arguments: [node.task.uri, node.task.line ?? 0] };
        return item;
      }
      case 'field': {
        const { field } = node;
        const item = new vscode.TreeItem(`${field.field}: ${field.value}`, vscode.TreeItemCollapsibleState.None);
        item.description = field.source;
        item.tooltip = field.error ?? `${field.field} = ${field.value} (${field.source})`;
        item.iconPath = new vscode.ThemeIcon(field.error ? 'error' : field.atDefault ? 'circle-outline' : 'pass', field.error ? new vscode.ThemeColor('problemsErrorIcon.foreground') : undefined);
        if (field.uri) item.command = { command: OPEN_SOURCE_COMMAND, title: 'Open', arguments: [field.uri, field.line ?? 0] };
        return item;
      }
    }
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const visible = this.tasks.filter((t) => this.filter !== 'problems' || t.hasProblems).filter((t) => this.filter !== 'notDefault' || t.fields.some((f) => !f.atDefault));
      const byModule = new Map<string, TaskTreeTask[]>();
      for (const task of visible) byModule.set(task.module, [...(byModule.get(task.module) ?? []), task]);
      return [...byModule.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([module, tasks]) => ({ kind: 'module', module, tasks }));
    }
    if (node.kind === 'module') return node.tasks.map((task) => ({ kind: 'task', task }));
    if (node.kind === 'task') return node.task.fields.filter((f) => this.filter !== 'notDefault' || !f.atDefault).map((field) => ({ kind: 'field', task: node.task, field }));
    return [];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}

/** Opens a file at a 0-based line (a click on a task or a value). */
export async function openSource(uri: string, line: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const position = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
}
