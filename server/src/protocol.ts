// Requests and notifications Tasklens adds to LSP, shared by the server and the
// VS Code client. Plain types only: no imports.

/** Request: every task the server knows, for the "Show effective configuration" picker. */
export const ListTasksRequest = 'tasklens/listTasks';
export interface TaskSummary {
  /** The dotted task id, e.g. `src.tasks.email.sendEmail`. */
  readonly id: string;
  /** Workspace-folder URI the task belongs to. */
  readonly folderUri: string;
  /** Where the task is defined (a TypeScript file), when known. */
  readonly uri?: string;
  readonly line?: number;
}
export type ListTasksResult = TaskSummary[];

/** Request: the effective configuration of one task, rendered as a Markdown table. */
export const ExplainTaskRequest = 'tasklens/explainTask';
export interface ExplainTaskParams {
  readonly id: string;
  readonly folderUri?: string;
}
export interface ExplainTaskResult {
  readonly id: string;
  readonly markdown: string;
}

/** Notification from the server: how many tasks are known and whether indexing runs. */
export const StatusNotification = 'tasklens/status';
export interface StatusParams {
  readonly tasks: number;
  readonly indexing: boolean;
  /** 0–100 while indexing. */
  readonly percentage?: number;
}

/** Notification from the server: the configuration changed (the explain view refreshes). */
export const ConfigurationChangedNotification = 'tasklens/configurationChanged';
