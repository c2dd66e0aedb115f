import type { InventoryObject, InventoryReader, PeerRef } from '../inventory/model.js';
import { BLOCK_GENERIC, OWNER_RELATIONSHIP } from './compile.js';
import { ownerOf } from './requirements.js';
import { subscriptionFromObject, type Subscription } from './subscription.js';
import { LIFECYCLE_STATES, type LifecycleState } from './states.js';

/**
 * Subscriptions depend on each other when a block of one is used by a block of another (a port's
 * node, the two ports of an L2 circuit). SURF's table of safe transitions: when a subscription
 * moves to the key state, every subscription using it must be in one of the listed states.
 *
 * SURF checks the table only when the used subscription moves. svc reads it as an invariant on
 * every pair (user, used): the user's state is listed under the used one's. So it is checked from
 * both ends: a node may not be terminated under an active port (blockingDependents), and a port may
 * not become active on a node still initial, or terminated (blockingDependencies). `svc validate`
 * checks every pair from the used side, which covers both.
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
  return subscriptionsOf(reader, users);
}

/** The dependents that moving to `to` would break: those not in a safe state for it. */
export function blockingDependents(to: LifecycleState, dependents: readonly Subscription[]): Subscription[] {
  return dependents.filter((d) => !SAFE_USED_BY_TRANSITIONS[to].includes(d.status));
}

/**
 * The subscriptions whose blocks `subscriptionId`'s blocks use, sorted by id: walking from its root
 * block through the blocks it owns (as missingFields does), a block owned by another subscription
 * names a dependency and is not walked into. Only the subscription's own blocks are read.
 */
export function findDependencies(reader: Pick<InventoryReader, 'get'>, subscriptionId: string, root: PeerRef | undefined): Subscription[] {
  const used = new Set<string>();
  const seen = new Set<string>();
  const walk = (block: InventoryObject) => {
    if (seen.has(block.id)) return;
    seen.add(block.id);
    for (const [name, ref] of Object.entries(block.relationships)) {
      if (name === OWNER_RELATIONSHIP) continue;
      for (const r of Array.isArray(ref) ? ref : [ref]) {
        const peer = reader.get(r.id);
        const owner = peer && ownerOf(peer);
        if (owner === undefined) continue;
        if (owner === subscriptionId) walk(peer!);
        else used.add(owner);
      }
    }
  };
  const rootObj = root && reader.get(root.id);
  if (rootObj) walk(rootObj);
  return subscriptionsOf(reader, used);
}

/** The subscriptions of these object ids that exist, sorted by id. */
function subscriptionsOf(reader: Pick<InventoryReader, 'get'>, ids: Iterable<string>): Subscription[] {
  return [...ids].sort().flatMap((id) => {
    const obj = reader.get(id);
    return obj ? [subscriptionFromObject(obj)] : [];
  });
}

/** The dependencies in whose state moving to `to` is not safe. */
export function blockingDependencies(to: LifecycleState, dependencies: readonly Subscription[]): Subscription[] {
  return dependencies.filter((d) => !SAFE_USED_BY_TRANSITIONS[d.status].includes(to));
}

/** The states a used subscription may be in for a user of it to be `to`. */
export function statesAllowing(to: LifecycleState): LifecycleState[] {
  return LIFECYCLE_STATES.filter((s) => SAFE_USED_BY_TRANSITIONS[s].includes(to));
}
