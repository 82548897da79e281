import { task, ConcurrencyControlType } from '../../lib/tasks';
import { NetworkError } from '../errors/network';

// Task id: src.tasks.email.sendEmail
export const sendEmail = task(
  async (to: string, subject: string, body: string) => {
    console.log(`sending ${subject} to ${to} (${body.length} chars)`);
  },
  {
    max_retries: 2, // overridden: config.yaml sets 5 for this task, and .env sets 7 for all tasks
    retry_for: [NetworkError, TypeError],
    running_concurrency: ConcurrencyControlType.KEYS,
    key_arguments: ['to'],
  },
);

// Task id: src.tasks.email.sendDigest
export const sendDigest = task({ call_result_cache: true, disable_cache_args: ['requestId'] })(
  async function sendDigest(userId: string, requestId: string) {
    console.log(`digest for ${userId} (${requestId})`);
  },
);
