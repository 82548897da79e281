// The status-bar environment picker (SPEC §12): "Tasklens: production". Picking
// another writes `tasklens.environment`; the server re-resolves every feature.
import * as vscode from 'vscode';
import { EnvironmentsParams } from '../../server/src/protocol';
import { PICK_ENVIRONMENT_COMMAND } from './commands';

const DEFAULT = 'default';

export class EnvironmentPicker implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private names: readonly string[] = [];

  constructor() {
    this.item = vscode.window.createStatusBarItem('tasklens.environment', vscode.StatusBarAlignment.Left, -1);
    this.item.name = 'Tasklens environment';
    this.item.command = PICK_ENVIRONMENT_COMMAND;
  }

  /** The server says which environment is in force; the item shows only when there is a choice. */
  show(params: EnvironmentsParams): void {
    this.names = params.names;
    this.item.text = `$(server-environment) Tasklens: ${params.active}`;
    this.item.tooltip = 'Tasklens: the environment every value is resolved with. Click to switch.';
    if (params.names.length > 1) this.item.show();
    else this.item.hide();
  }

  async pick(): Promise<void> {
    const current = vscode.workspace.getConfiguration('tasklens').get<string>('environment') || DEFAULT;
    const items = this.names.map((name) => ({ label: name, description: name === current ? 'in force' : undefined }));
    const chosen = await vscode.window.showQuickPick(items, { placeHolder: 'Resolve every task with the environment…' });
    if (!chosen) return;
    const value = chosen.label === DEFAULT ? '' : chosen.label;
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('tasklens').update('environment', value, target);
  }

  dispose(): void {
    this.item.dispose();
  }
}
