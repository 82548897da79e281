import { task } from '../../lib/tasks';

export const syncAccount = task({ running_concurrency: 'keys', key_arguments: ['accountId'] }, (accountId: string) => accountId); // want TL010 "key_arguments has no effect: neither running_concurrency nor registration_concurrency is keys for this task" fix="Add running_concurrency: keys"
