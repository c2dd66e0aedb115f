import type { InventoryObject } from '../inventory/model.js';
import { isLifecycleState, type LifecycleState } from './states.js';

/**
 * A subscription (SURF's SubscriptionModel fields) as a typed value. In the inventory it is an
 * object of kind `Product<Type>` whose human-friendly id is its `subscription_id` (its object id is
 * made from it); the conversions below are exact inverses so nothing is lost on a round trip.
 */
export interface Subscription {
  id: string;
  /** The readable id people and branches use (dia-0001); `id` is the object's opaque one. */
  subscription_id?: string;
  /** The subscription kind, `Product<Type>`. */
  kind: string;
  /** The product variant's name. */
  product: string;
  customer: string;
  status: LifecycleState;
  description?: string;
  /** ISO 8601, set when it first became active. */
  start_date?: string;
  /** ISO 8601, set when it was terminated. */
  end_date?: string;
  /** False while an operation runs, and after one failed. */
  insync: boolean;
  note?: string;
  version: number;
}

export function subscriptionFromObject(obj: InventoryObject): Subscription {
  const a = obj.attributes;
  const str = (k: string): string | undefined => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
  const status = a.status ?? 'initial';
  const sub: Subscription = {
    id: obj.id,
    kind: obj.kind,
    product: str('product') ?? '',
    customer: str('customer') ?? '',
    status: isLifecycleState(status) ? status : 'initial',
    insync: a.insync === true,
    version: typeof a.version === 'number' ? a.version : 1,
  };
  for (const k of ['subscription_id', 'description', 'start_date', 'end_date', 'note'] as const) {
    const v = str(k);
    if (v !== undefined) sub[k] = v;
  }
  return sub;
}

/** How messages name a subscription: by its readable id when it has one. */
export function subscriptionLabel(sub: Pick<Subscription, 'id' | 'subscription_id'>): string {
  return sub.subscription_id ?? sub.id;
}

/** Back into the object it came from: subscription attributes replaced, everything else kept. */
export function subscriptionToObject(sub: Subscription, base?: InventoryObject): InventoryObject {
  const attributes: InventoryObject['attributes'] = { ...(base?.attributes ?? {}) };
  for (const k of ['description', 'start_date', 'end_date', 'note'] as const) delete attributes[k];
  Object.assign(attributes, { product: sub.product, customer: sub.customer, status: sub.status, insync: sub.insync, version: sub.version });
  for (const k of ['description', 'start_date', 'end_date', 'note'] as const) if (sub[k] !== undefined) attributes[k] = sub[k]!;
  // Never cleared: a subscription keeps its readable id for life.
  if (sub.subscription_id !== undefined) attributes.subscription_id = sub.subscription_id;
  return { id: sub.id, kind: sub.kind, attributes, relationships: { ...(base?.relationships ?? {}) } };
}
