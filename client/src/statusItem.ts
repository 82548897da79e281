// The status bar item: how many tasks the server found, or how far indexing is.
// It only renders what the server reports through `tasklens/status`.
import * as vscode from 'vscode';
import { StatusParams } from '../../server/src/protocol';
import { SHOW_EFFECTIVE_CONFIGURATION_COMMAND, RESTART_SERVER_COMMAND } from './commands';

export class TaskStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('tasklens.status', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'Tasklens';
  }

  show(status: StatusParams): void {
    if (status.indexing) {
      const percentage = status.percentage === undefined ? '' : ` ${Math.round(status.percentage)}%`;
      this.item.text = `$(sync~spin) Indexing…${percentage}`;
      this.item.tooltip = 'Tasklens is reading the workspace';
    } else {
      this.item.text = `$(checklist) ${status.tasks} ${status.tasks === 1 ? 'task' : 'tasks'}`;
      this.item.tooltip = 'Tasklens: show the effective configuration of a task';
    }
    this.item.command = SHOW_EFFECTIVE_CONFIGURATION_COMMAND;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  /** The server is down for good: the item becomes the way to start it again. */
  showStopped(): void {
    this.item.text = '$(circle-slash) Tasklens stopped';
    this.item.tooltip = 'The Tasklens server is not running. Click to restart it.';
    this.item.command = RESTART_SERVER_COMMAND;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
