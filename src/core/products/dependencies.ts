import type { InventoryReader } from '../inventory/model.js';
import { BLOCK_GENERIC, OWNER_RELATIONSHIP } from './compile.js';
import { ownerOf } from './requirements.js';
import { subscriptionFromObject, type Subscription } from './subscription.js';
import type { LifecycleState } from './states.js';

/**
 * Subscriptions depend on each other when a block of one is used by a block of another (a port's
 * node, the two ports of an L2 circuit). SURF's table of safe transitions: when a subscription
 * moves to the key state, every subscription using it must be in one of the listed states.
 */
export const SAFE_USED_BY_TRANSITIONS: Record<LifecycleState, readonly LifecycleState[]> = {
  initial: ['initial', 'terminated'],
  provisioning: ['initial', 'provisioning', 'active', 'terminated'],
  active: ['initial', 'provisioning', 'migrating', 'active', 'terminated', 'disabled'],
  migrating: ['initial', 'migrating', 'terminated'],
  disabled: ['initial', 'disabled', 'terminated'],
  terminated: ['initial', 'terminated'],
};

/** The subscriptions whose blocks use a block owned by `subscriptionId`, sorted by id. */
export function findDependents(reader: Pick<InventoryReader, 'get' | 'list'>, subscriptionId: string): Subscription[] {
  const users = new Set<string>();
  for (const block of reader.list(BLOCK_GENERIC)) {
    const owner = ownerOf(block);
    if (owner === undefined || owner === subscriptionId || users.has(owner)) continue;
    const uses = Object.entries(block.relationships).some(([name, ref]) => {
      if (name === OWNER_RELATIONSHIP) return false;
      return (Array.isArray(ref) ? ref : [ref]).some((r) => {
        const peer = reader.get(r.id);
        return peer !== undefined && ownerOf(peer) === subscriptionId;
      });
    });
    if (uses) users.add(owner);
  }
  return [...users]
    .sort()
    .flatMap((id) => {
      const obj = reader.get(id);
      return obj ? [subscriptionFromObject(obj)] : [];
    });
}

/** The dependents that moving to `to` would break: those not in a safe state for it. */
export function blockingDependents(to: LifecycleState, dependents: readonly Subscription[]): Subscription[] {
  return dependents.filter((d) => !SAFE_USED_BY_TRANSITIONS[to].includes(d.status));
}
