/** SURF's SubscriptionLifecycle values, in the order a subscription usually meets them. */
export const LIFECYCLE_STATES = ['initial', 'provisioning', 'active', 'migrating', 'disabled', 'terminated'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

export function isLifecycleState(s: unknown): s is LifecycleState {
  return typeof s === 'string' && (LIFECYCLE_STATES as readonly string[]).includes(s);
}
