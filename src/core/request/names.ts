import { UsageError } from '../errors.js';

/**
 * Requests are branches: `request/<request id>`. A create request's id is the new subscription's id
 * (e.g. `dia-0001`); a later operation on it gets `<subscription id>-<action>-<n>`, so every request
 * of one subscription sorts together and none collides with another's ref.
 */
export const REQUEST_PREFIX = 'request/';
export const ABANDONED_PREFIX = 'refs/svc/abandoned/';

export type RequestAction = 'create' | 'modify' | 'terminate';

export const TRAILER = {
  request: 'Svc-Request',
  subscription: 'Svc-Subscription',
  product: 'Svc-Product',
  customer: 'Svc-Customer',
  action: 'Svc-Action',
} as const;

const ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function checkRequestId(id: string): void {
  if (!ID.test(id) || id.includes('..') || id.endsWith('.lock') || id.endsWith('.')) {
    throw new UsageError('request/bad-id', `"${id}" is not a valid request id`, {
      hint: 'use lower-case letters, digits, dots, dashes and underscores, starting with a letter or digit (e.g. dia-0001)',
    });
  }
}

export const branchOf = (requestId: string): string => `${REQUEST_PREFIX}${requestId}`;
export const refOf = (requestId: string): string => `refs/heads/${branchOf(requestId)}`;

/**
 * The next free subscription id for a product tag: `<tag>-NNNN`, one more than the highest in use
 * among existing subscriptions and request branches (so two requests made one after the other on
 * one machine never pick the same id; across machines the branch's compare-and-swap refuses the second).
 */
export function nextSubscriptionId(tag: string, taken: Iterable<string>): string {
  const prefix = `${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-`;
  let max = 0;
  for (const t of taken) {
    if (!t.startsWith(prefix)) continue;
    const n = Number(t.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${prefix}${String(max + 1).padStart(4, '0')}`;
}

/** `dia-0001-modify-2`: the first n not yet taken. */
export function operationRequestId(subscriptionId: string, action: Exclude<RequestAction, 'create'>, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const id = `${subscriptionId}-${action}-${n}`;
    if (!taken.has(id)) return id;
  }
}
