import { diag } from '../diagnostics.js';
import { ValidationError } from '../errors.js';
import type { InventoryReader, PeerRef } from '../inventory/model.js';
import { blockingDependencies, blockingDependents, findDependencies, statesAllowing } from './dependencies.js';
import type { ProductDef, ProductSet } from './model.js';
import { missingFields, STATE_LEVEL } from './requirements.js';
import type { LifecycleState } from './states.js';
import { subscriptionLabel, type Subscription } from './subscription.js';

/**
 * The subscription lifecycle, pure: whether a move is allowed and what it changes. Nothing is
 * written here; the caller stores the returned subscription.
 *
 * The moves SURF's workflows make: create (initial → provisioning → active), modify (active →
 * provisioning → active), migrate (active → migrating → active), disable and re-enable, terminate
 * (from any live state). Terminated is final.
 */
export const TRANSITIONS: Record<LifecycleState, readonly LifecycleState[]> = {
  initial: ['provisioning', 'terminated'],
  provisioning: ['active', 'initial', 'terminated'],
  active: ['provisioning', 'migrating', 'disabled', 'terminated'],
  migrating: ['active', 'terminated'],
  disabled: ['active', 'terminated'],
  terminated: [],
};

export interface TransitionContext {
  product: ProductDef;
  set: ProductSet;
  /** The subscription's root block (its relationship named after the root block). */
  root: PeerRef | undefined;
  reader: Pick<InventoryReader, 'get'>;
  /** Subscriptions using this one's blocks (./dependencies.ts findDependents). */
  dependents: readonly Subscription[];
  /** Injected so tests are deterministic. */
  now: () => Date;
}

export interface TransitionResult {
  from: LifecycleState;
  to: LifecycleState;
  subscription: Subscription;
}

/** Move `sub` to `to`, or throw a ValidationError listing every reason it may not. */
export function transition(sub: Subscription, to: LifecycleState, ctx: TransitionContext): TransitionResult {
  const from = sub.status;
  const who = `subscription ${subscriptionLabel(sub)} (${sub.product})`;
  if (!TRANSITIONS[from].includes(to)) {
    const allowed = TRANSITIONS[from];
    throw new ValidationError('lifecycle/not-allowed', `${who} cannot move from ${from} to ${to}`, {
      hint: allowed.length ? `from ${from} it may move to: ${allowed.join(', ')}` : `${from} is final: nothing follows it`,
    });
  }
  const missing = missingFields(sub.id, ctx.product, ctx.set, ctx.root, ctx.reader, to);
  if (missing.length) {
    throw new ValidationError('lifecycle/missing-fields', `${who} cannot become ${to}: ${missing.length} field${missing.length === 1 ? '' : 's'} required at ${STATE_LEVEL[to]} ${missing.length === 1 ? 'is' : 'are'} missing: ${missing.join(', ')}`, {
      hint: 'fill them in (the generator sets outputs, the request sets inputs), then try again',
      diagnostics: missing.map((m) => diag('error', 'lifecycle/missing-field', `${m} is required when ${to}`, undefined, { subject: sub.id, key: m })),
    });
  }
  const blocking = blockingDependents(to, ctx.dependents);
  if (blocking.length) {
    throw new ValidationError('lifecycle/dependents', `${who} cannot become ${to}: ${blocking.length === 1 ? 'it is' : 'they are'} in use by ${blocking.map((d) => `${subscriptionLabel(d)} (${d.product}, ${d.status})`).join(', ')}`, {
      hint: `move the subscriptions that use it first (to ${to === 'terminated' ? 'terminated' : 'a state safe for it'}), then try again`,
    });
  }
  // Read here, not passed in like the dependents: found from the subscription's own blocks, cheaply.
  const unsafe = blockingDependencies(to, findDependencies(ctx.reader, sub.id, ctx.root));
  if (unsafe.length) {
    throw new ValidationError('lifecycle/dependencies', `${who} cannot become ${to}: it uses ${unsafe.map((d) => `${subscriptionLabel(d)} (${d.product}, ${d.status})`).join(', ')}`, {
      hint: `a subscription it uses must be ${statesAllowing(to).join(' or ')} for it to be ${to}: ${
        unsafe.every((d) => d.status === 'terminated') ? 'terminated is final, so use another one' : `move ${unsafe.length === 1 ? 'that one' : 'those'} first, then try again`
      }`,
    });
  }
  const next: Subscription = { ...sub, status: to };
  const stamp = ctx.now().toISOString();
  if (to === 'active' && next.start_date === undefined) next.start_date = stamp;
  if (to === 'terminated') next.end_date = stamp;
  return { from, to, subscription: next };
}
