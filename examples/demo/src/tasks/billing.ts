import { task } from '../../lib/tasks';

// Task id: src.tasks.billing.chargeCard
export const chargeCard = task(async (customerId: string, amountCents: number) => {
  console.log(`charging ${customerId} ${amountCents}`);
});

// Task id: src.tasks.billing.refund
export const refund = task({ registration_concurrency: 'arguments' }, async (chargeId: string) => {
  console.log(`refunding ${chargeId}`);
});
