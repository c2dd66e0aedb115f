import type { AttributeValue } from '../inventory/model.js';
import { RUN_KIND } from '../generate/records.js';
import { SUBSCRIPTION_GENERIC } from '../products/compile.js';
import type { SchemaSet } from '../schema/model.js';
import type { Side } from './decode.js';
import type { AllocationCallout, LifecycleCallout } from './model.js';
import { cmp } from './order.js';

/** How the diff names an object id it meets in references and records. */
export interface Labels {
  label(id: string): string | undefined;
  kind(id: string): string | undefined;
}

const text = (v: AttributeValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * A subscription's status move (`provisioning → active`): the line a reviewer looks for first. A
 * new subscription moves from nothing, a deleted one to nothing; other edits are not a move.
 */
export function lifecycleCallout(schema: SchemaSet, b: Side | undefined, a: Side | undefined): LifecycleCallout | undefined {
  const side = (a ?? b)!;
  if (!schema.isA(side.object.kind, SUBSCRIPTION_GENERIC)) return undefined;
  const from = b ? (text(b.object.attributes.status) ?? null) : null;
  const to = a ? (text(a.object.attributes.status) ?? null) : null;
  if (b && a && from === to) return undefined;
  const product = text(side.object.attributes.product);
  return { kind: side.object.kind, id: side.object.id, label: side.label, ...(product !== undefined ? { product } : {}), from, to };
}

interface RecordView {
  pool: string;
  key: string;
  type: string;
  resource: string;
  target?: string;
}

/**
 * The allocation records a generator run holds (its `allocations` attribute). Entries that are not
 * records are skipped: `svc validate` reports them, the diff shows what it can read.
 */
function recordsOf(side: Side | undefined): Map<string, RecordView> {
  const out = new Map<string, RecordView>();
  const list = side?.object.attributes.allocations;
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const r = item as Record<string, unknown>;
    if (typeof r.pool !== 'string' || typeof r.key !== 'string' || typeof r.type !== 'string' || typeof r.resource !== 'string') continue;
    out.set(`${r.pool}\0${r.key}`, { pool: r.pool, key: r.key, type: r.type, resource: r.resource, ...(typeof r.target === 'string' ? { target: r.target } : {}) });
  }
  return out;
}

/**
 * What the generator runs in this change took and gave back. A record whose resource changed under
 * the same key is both: the old resource released, the new one allocated.
 */
export function allocationCallouts(pairs: readonly [Side | undefined, Side | undefined][], labels: Labels): AllocationCallout[] {
  const out: AllocationCallout[] = [];
  for (const [b, a] of pairs) {
    if ((a ?? b)!.object.kind !== RUN_KIND) continue;
    const before = recordsOf(b);
    const after = recordsOf(a);
    const call = (action: AllocationCallout['action'], r: RecordView, run: Side) => out.push(callout(action, r, run, labels));
    for (const [k, r] of after) if (before.get(k)?.resource !== r.resource) call('allocated', r, a!);
    for (const [k, r] of before) if (after.get(k)?.resource !== r.resource) call('released', r, b!);
  }
  return out.sort(
    (x, y) =>
      cmp(x.action, y.action) ||
      cmp(x.targetLabel ?? x.target ?? '', y.targetLabel ?? y.target ?? '') ||
      cmp(x.purpose, y.purpose) ||
      cmp(x.pool, y.pool) ||
      cmp(x.resource, y.resource),
  );
}

function callout(action: AllocationCallout['action'], r: RecordView, run: Side, labels: Labels): AllocationCallout {
  const target = r.target ?? text(run.object.attributes.target);
  const purpose = target !== undefined && r.key.startsWith(`${target}:`) ? r.key.slice(target.length + 1) : r.key;
  const claim = r.type === 'claim';
  const poolLabel = claim ? r.pool : labels.label(r.pool);
  const resourceLabel = claim ? labels.label(r.resource) : undefined;
  const targetLabel = target === undefined ? undefined : labels.label(target);
  return {
    action,
    type: r.type,
    resource: r.resource,
    ...(resourceLabel !== undefined ? { resourceLabel } : {}),
    pool: r.pool,
    ...(poolLabel !== undefined ? { poolLabel } : {}),
    key: r.key,
    purpose,
    generator: text(run.object.attributes.generator) ?? '',
    ...(target !== undefined ? { target } : {}),
    ...(targetLabel !== undefined ? { targetLabel } : {}),
  };
}
