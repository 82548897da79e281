// What a language that declares tasks tells the rest of Tasklens. TypeScript
// (`typescriptIndex.ts`) and Python (`python/`) each implement `TaskSource`;
// the workspace and the features read tasks and exception classes only through
// it, never a language's syntax.
import { ExceptionClass, taskIdToString } from '../resolver';
import { ClassFact, TaskDefinition, TypeScriptFileFacts } from './typescriptFacts';

export type TaskLanguage = 'typescript' | 'python';

/** The facts of one file of a task source (tasks, classes, imports). */
export type TaskFileFacts = TypeScriptFileFacts;

export interface TaskSource {
  readonly language: TaskLanguage;
  /** Moves on every change to the source's facts. */
  readonly version: number;
  /** (Re-)reads one file; `file` is workspace-relative with `/`. The same text again is no change. */
  update(file: string, text: string): void;
  remove(file: string): void;
  files(): string[];
  /** The file's facts with names resolved across the workspace; undefined for an unknown file. */
  facts(file: string): TaskFileFacts | undefined;
  /** Every recognised task of the source, in file order. */
  tasks(): TaskDefinition[];
  /** The tasks whose id (`<module>.<func>`) is `id`; more than one is a duplicate. */
  tasksById(id: string): TaskDefinition[];
  /** Every class declared in the source, with whether it is an exception the runtime accepts. */
  exceptionClasses(): ExceptionClass[];
  /** The class declared as `<module>.<Name>`. */
  classByQualifiedName(name: string): ClassFact | undefined;
}

/** Tasks by id (`<module>.<func>`), in source order; tasks whose name is unknown are left out. */
export function groupTasksById(tasks: Iterable<TaskDefinition>): Map<string, TaskDefinition[]> {
  const byId = new Map<string, TaskDefinition[]>();
  for (const task of tasks) {
    if (task.func === undefined) continue;
    const key = taskIdToString({ module: task.module, func: task.func });
    const list = byId.get(key);
    if (list === undefined) byId.set(key, [task]);
    else list.push(task);
  }
  return byId;
}
