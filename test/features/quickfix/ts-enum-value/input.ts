import { task } from '../../lib/tasks';

export const syncAccount = task({ registration_concurrency: 'TASK' }, (accountId: string) => accountId); // want TL004 "'TASK' is not a valid ConcurrencyControlType value (expected disabled, task, arguments, keys; lowercase only): did you mean 'task'?" fix="Change to 'task'"
