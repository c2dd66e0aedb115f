import { ValidationError } from '../errors.js';
import type { ProductDef, WorkflowName } from './model.js';
import type { LifecycleState } from './states.js';
import { subscriptionLabel, type Subscription } from './subscription.js';

/**
 * Operations (SURF's workflows) on a subscription and its insync flag: an operation marks the
 * subscription out of sync when it starts and in sync when it finishes, so one that failed leaves
 * it marked. The next operation then refuses to run unless the caller resumes explicitly (the
 * command layer's `--resume`), after someone has looked at what the failure left behind.
 */
export const OPERATION_STATES: Record<WorkflowName, readonly LifecycleState[]> = {
  create: ['initial'],
  modify: ['active'],
  terminate: ['initial', 'provisioning', 'active', 'migrating', 'disabled'],
  validate: ['active'],
};

/** The product's file must enable `op` (`who`: what it was asked for, for the message). */
export function assertEnabled(product: ProductDef, op: WorkflowName, who: string): void {
  if (!product.workflows[op]) {
    throw new ValidationError('operation/disabled', `${who}: product "${product.name}" has no enabled ${op} workflow`, {
      hint: `enable it in ${product.file}: drop \`enabled: false\` from ${op} under workflows: (a workflow the file does not turn off is on)`,
    });
  }
}

export function startOperation(sub: Subscription, op: WorkflowName, product: ProductDef, opts: { resume?: boolean } = {}): Subscription {
  const who = `subscription ${subscriptionLabel(sub)} (${sub.product})`;
  assertEnabled(product, op, who);
  if (!OPERATION_STATES[op].includes(sub.status)) {
    throw new ValidationError('operation/wrong-state', `${who} is ${sub.status}: ${op} runs on ${OPERATION_STATES[op].join(' or ')} subscriptions only`);
  }
  // A new subscription starts out of sync (SURF's default); only later operations find it so after a failure.
  if (!sub.insync && op !== 'create' && !opts.resume) {
    throw new ValidationError('operation/out-of-sync', `${who} is out of sync: a previous operation on it did not finish${sub.note ? ` (${sub.note})` : ''}`, {
      hint: `check what the failed operation left behind, then run ${op} again with --resume to continue from the subscription's current state`,
    });
  }
  return { ...sub, insync: false };
}

export function finishOperation(sub: Subscription): Subscription {
  return { ...sub, insync: true, version: sub.version + 1 };
}

/** The subscription stays out of sync; the note says why, for the next operation's refusal. */
export function failOperation(sub: Subscription, reason: string): Subscription {
  return { ...sub, insync: false, note: reason };
}
