import { task } from '../../lib/tasks';

export const syncAccount = task((accountId: string) => accountId, {
  max_retries: 3, // want TL002 "Unknown field 'maxRetries': it is not a task option. Did you mean 'max_retries'?" fix="Change to 'max_retries'"
});
