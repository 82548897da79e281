import { task } from '../../lib/tasks';

export const syncAccount = task({ disable_cache_args: ['accountId'] }, (accountId: string) => accountId); // want TL013 "disable_cache_args is a string, and a string is split into its characters: 'accountId' becomes ['a', 'c', 'c', 'o', 'u', 'n', …]. Write a list." fix="Change to a list: [accountId]"
