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

/** Request: every task with its eleven effective values, for the Tasks view. */
export const TaskTreeRequest = 'tasklens/taskTree';
export interface TaskTreeField {
  readonly field: string;
  /** The value as a user reads it (`5`, `"keys"`, `error`). */
  readonly value: string;
  readonly source: string;
  readonly error?: string;
  readonly atDefault: boolean;
  /** Where the value is written, for a click. */
  readonly uri?: string;
  readonly line?: number;
}
export interface TaskTreeTask {
  readonly id: string;
  readonly module: string;
  readonly func: string;
  readonly folderUri: string;
  readonly uri?: string;
  readonly line?: number;
  readonly hasProblems: boolean;
  readonly fields: readonly TaskTreeField[];
}
export type TaskTreeResult = TaskTreeTask[];

/** Notification from the server: the environment in force and those there are (for the status-bar picker). */
export const EnvironmentsNotification = 'tasklens/environments';
export interface EnvironmentsParams {
  /** The active environment's name; `default` for the plain settings. */
  readonly active: string;
  readonly names: readonly string[];
}
