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

/**
 * The queries every task source answers the same way from its own caches
 * (facts per file, the task list, the class table); an index supplies those
 * and resets `tasksByIdCache` when its task list changes.
 */
export abstract class TaskSourceQueries {
  protected tasksByIdCache: ReadonlyMap<string, readonly TaskDefinition[]> | undefined;
  protected allTasksCache: readonly TaskDefinition[] | undefined;

  protected abstract cachedFacts(file: string): { readonly facts: TaskFileFacts } | undefined;
  /** The files whose records hold at least one task, in file order. */
  protected abstract filesWithTasks(): Iterable<string>;
  protected abstract cachedClassTable(): { readonly exceptions: readonly ExceptionClass[]; readonly byName: ReadonlyMap<string, { readonly fact: ClassFact }> };

  /** Every task, resolved, in file order; kept until an index resets `allTasksCache`. */
  protected cachedTasks(): readonly TaskDefinition[] {
    if (this.allTasksCache === undefined) {
      const all: TaskDefinition[] = [];
      for (const file of this.filesWithTasks()) for (const task of this.facts(file)?.tasks ?? []) all.push(task);
      this.allTasksCache = all;
    }
    return this.allTasksCache;
  }

  /** The file's facts with names resolved across the workspace; undefined for an unknown file. */
  facts(file: string): TaskFileFacts | undefined {
    return this.cachedFacts(file)?.facts;
  }

  /** Every recognised task, in file order. */
  tasks(): TaskDefinition[] {
    return [...this.cachedTasks()];
  }

  /** The tasks whose id (`<module>.<func>`) is `id`; more than one is a duplicate. */
  tasksById(id: string): TaskDefinition[] {
    this.tasksByIdCache ??= groupTasksById(this.cachedTasks());
    return [...(this.tasksByIdCache.get(id) ?? [])];
  }

  /** Every workspace class, with whether it is an exception the runtime accepts. */
  exceptionClasses(): ExceptionClass[] {
    return [...this.cachedClassTable().exceptions];
  }

  /** The class declared as `<module>.<Name>` (the first one, if several files share a module). */
  classByQualifiedName(name: string): ClassFact | undefined {
    return this.cachedClassTable().byName.get(name)?.fact;
  }
}
