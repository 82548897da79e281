import { task, ConcurrencyControlType } from '../../lib/tasks';

export const syncAccount = task(
  async (accountId: string, force: boolean) => accountId + String(force),
  {
    call_result_cache: true,
    running_concurrency: ConcurrencyControlType.KEYS,
    key_arguments: ['accountId'], // want TL010 "key_arguments has no effect: neither running_concurrency nor registration_concurrency is keys for this task" fix="Add running_concurrency: keys"
  },
);
