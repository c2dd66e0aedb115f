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

/**
 * For every subscription (by id) that has dependents, the subscriptions whose blocks use one of its
 * blocks. One pass over every block, reading each peer once: asking findDependents once per
 * subscription would read every block again for each (1,000 subscriptions: two minutes).
 */
export function dependentsMap(reader: Pick<InventoryReader, 'get' | 'list'>): Map<string, Set<string>> {
  const owners = new Map<string, string | undefined>();
  const ownerOfId = (id: string): string | undefined => {
    if (!owners.has(id)) {
      const peer = reader.get(id);
      owners.set(id, peer === undefined ? undefined : ownerOf(peer));
    }
    return owners.get(id);
  };
  const out = new Map<string, Set<string>>();
  for (const block of reader.list(BLOCK_GENERIC)) {
    const user = ownerOf(block);
    owners.set(block.id, user);
    if (user === undefined) continue;
    for (const [name, ref] of Object.entries(block.relationships)) {
      if (name === OWNER_RELATIONSHIP) continue;
      for (const r of Array.isArray(ref) ? ref : [ref]) {
        const used = ownerOfId(r.id);
        if (used === undefined || used === user) continue;
        let users = out.get(used);
        if (!users) out.set(used, (users = new Set()));
        users.add(user);
      }
    }
  }
  return out;
}

/** The subscriptions whose blocks use a block owned by `subscriptionId`, sorted by id (`known`: dependentsMap's answer, when it was asked already). */
export function findDependents(reader: Pick<InventoryReader, 'get' | 'list'>, subscriptionId: string, known?: ReadonlyMap<string, ReadonlySet<string>>): Subscription[] {
  return subscriptionsOf(reader, (known ?? dependentsMap(reader)).get(subscriptionId) ?? []);
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
