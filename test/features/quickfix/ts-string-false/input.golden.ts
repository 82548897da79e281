import { task } from '../../lib/tasks';

export const syncAccount = task(
  async (accountId: string) => accountId,
  {
    force_new_workflow: false, // want TL012 "force_new_workflow is the string 'false', which counts as TRUE: any non-empty string is true. Write false without quotes." fix="Change to false"
  },
);
