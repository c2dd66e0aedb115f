import { diag, type Diagnostic } from '../diagnostics.js';
import type { InventoryReader, PeerRef } from '../inventory/model.js';
import { subscriptionKind } from './compile.js';
import { blockingDependents, dependentsMap, findDependents } from './dependencies.js';
import type { ProductSet } from './model.js';
import { missingFields } from './requirements.js';
import { isLifecycleState } from './states.js';
import { subscriptionFromObject, subscriptionLabel } from './subscription.js';
import { variantsOf } from './variants.js';

/**
 * `svc validate`'s subscription stage: every subscription in the inventory against its product and
 * its lifecycle state (required fields present, a known variant, dates set, no dependent in a state
 * its own state makes unsafe). Findings carry the subscription id as `subject`; the inventory
 * layer knows which file holds it and may fill in `file`.
 */
export function checkSubscriptions(set: ProductSet, reader: InventoryReader): Diagnostic[] {
  const out: Diagnostic[] = [];
  let dependents: Map<string, Set<string>> | undefined;
  for (const product of set.products.values()) {
    const variants = variantsOf(product).map((v) => v.name);
    for (const obj of reader.list(subscriptionKind(product.type))) {
      const sub = subscriptionFromObject(obj);
      const at = { subject: sub.id };
      const who = `subscription ${subscriptionLabel(sub)}`;
      if (!isLifecycleState(obj.attributes.status)) {
        out.push(diag('error', 'subscription/invalid-status', `${who}: status ${JSON.stringify(obj.attributes.status)} is not a lifecycle state`, undefined, { ...at, key: 'status', hint: 'one of: initial, provisioning, active, migrating, disabled, terminated' }));
        continue;
      }
      if (!variants.includes(sub.product)) {
        out.push(diag('error', 'subscription/unknown-variant', `${who}: product "${sub.product}" is not a variant of ${product.name}`, undefined, { ...at, key: 'product', hint: `variants: ${variants.join(', ')}` }));
      }
      const rootRef = obj.relationships[product.rootBlock];
      const root: PeerRef | undefined = rootRef && !Array.isArray(rootRef) ? rootRef : undefined;
      for (const m of missingFields(sub.id, product, set, root, reader, sub.status)) {
        out.push(diag('error', 'subscription/missing-field', `${who} is ${sub.status} but ${m} is missing`, undefined, { ...at, key: m, hint: `a ${sub.status} subscription requires it` }));
      }
      if (sub.status === 'active' && sub.start_date === undefined) {
        out.push(diag('warning', 'subscription/no-start-date', `${who} is active without a start_date`, undefined, at));
      }
      if (sub.status === 'terminated' && sub.end_date === undefined) {
        out.push(diag('warning', 'subscription/no-end-date', `${who} is terminated without an end_date`, undefined, at));
      }
      for (const d of blockingDependents(sub.status, findDependents(reader, sub.id, (dependents ??= dependentsMap(reader))))) {
        out.push(diag('error', 'subscription/unsafe-dependent', `${who} is ${sub.status} while ${subscriptionLabel(d)} (${d.product}), which uses it, is ${d.status}`, undefined, { ...at, hint: 'the subscriptions that use one must be in a state safe for its state (SURF rules)' }));
      }
    }
  }
  return out;
}
