import type { InventoryObject, InventoryReader, PeerRef } from '../inventory/model.js';
import { OWNER_RELATIONSHIP } from './compile.js';
import type { BlockDef, FieldDef, ProductDef, ProductSet, RequiredLevel } from './model.js';
import type { LifecycleState } from './states.js';

/**
 * Which fields a lifecycle state requires. As in SURF, only provisioning and active have models
 * of their own; every other state uses the inactive model (initial, and by default migrating,
 * disabled and terminated). Levels are cumulative: active requires what provisioning requires.
 */
export const STATE_LEVEL: Record<LifecycleState, RequiredLevel> = {
  initial: 'inactive',
  provisioning: 'provisioning',
  active: 'active',
  migrating: 'inactive',
  disabled: 'inactive',
  terminated: 'inactive',
};
const RANK: Record<RequiredLevel, number> = { inactive: 0, provisioning: 1, active: 2 };

export function requiredAt(field: FieldDef, state: LifecycleState): boolean {
  return field.required !== undefined && RANK[field.required] <= RANK[STATE_LEVEL[state]];
}

/** For `svc product show`: per state, the `block.field` paths it requires (the product's own blocks, not shared ones). */
export function requirementsByState(product: ProductDef, set: ProductSet, states: readonly LifecycleState[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of states) {
    out[s] = product.blocks.filter((b) => !b.referenceOnly).flatMap((b) => (set.blocks.get(b.type) ?? b).fields.filter((f) => requiredAt(f, s)).map((f) => `${b.name}.${f.name}`));
  }
  return out;
}

/**
 * The fields a subscription lacks for `state`, as `block.field` paths, walking from its root block
 * through the blocks it owns (a block of another subscription has its own lifecycle and is only
 * required to be referenced, not complete).
 */
export function missingFields(
  subscriptionId: string,
  product: ProductDef,
  set: ProductSet,
  root: PeerRef | undefined,
  reader: Pick<InventoryReader, 'get'>,
  state: LifecycleState,
): string[] {
  const rootBlock = product.blocks.find((b) => b.name === product.rootBlock);
  if (!rootBlock) return [];
  const rootObj = root ? reader.get(root.id) : undefined;
  if (!rootObj) return STATE_LEVEL[state] === 'inactive' ? [] : [product.rootBlock];
  const missing: string[] = [];
  const seen = new Set<string>();
  const walk = (obj: InventoryObject, block: BlockDef, path: string) => {
    if (seen.has(obj.id)) return;
    seen.add(obj.id);
    for (const f of (set.blocks.get(block.type) ?? block).fields) {
      const isRel = f.target.kind === 'block' || f.target.kind === 'schema';
      const value = isRel ? obj.relationships[f.name] : obj.attributes[f.name];
      const present = value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
      if (!present) {
        if (requiredAt(f, state)) missing.push(`${path}.${f.name}`);
        continue;
      }
      if (f.target.kind !== 'block') continue;
      const child = set.blocks.get(f.target.block);
      const refs = (Array.isArray(value) ? value : [value]) as PeerRef[];
      refs.forEach((ref, i) => {
        const peer = reader.get(ref.id);
        if (!peer || !child || !ownedBy(peer, subscriptionId)) return;
        walk(peer, child, Array.isArray(value) ? `${path}.${f.name}[${i}]` : `${path}.${f.name}`);
      });
    }
  };
  walk(rootObj, rootBlock, product.rootBlock);
  return missing;
}

export function ownerOf(block: InventoryObject): string | undefined {
  const ref = block.relationships[OWNER_RELATIONSHIP];
  return ref && !Array.isArray(ref) ? ref.id : undefined;
}

export function ownedBy(block: InventoryObject, subscriptionId: string): boolean {
  return ownerOf(block) === subscriptionId;
}
