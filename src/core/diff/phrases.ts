import type { AttributeValue } from '../inventory/model.js';
import type { AllocationCallout, Diff, LifecycleCallout, ObjectName } from './model.js';

/**
 * The sentences text and markdown share, so both say the same thing in the same words. Plain
 * strings: each renderer adds its own emphasis and escaping.
 */

/** Which two states the diff compares, as the caller names them (e.g. `main (1a2b3c4)` and `work tree`). */
export interface DiffRange {
  base: string;
  head: string;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A value as a reviewer reads it: text as is, other values as compact JSON, absence spelled out. */
export function valueText(v: AttributeValue | undefined, max = 200): string {
  if (v === undefined || v === null) return '(none)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A peer: its hfid; an object named only by id also shows its kind, so the id means something. */
export const peerText = (p: ObjectName): string => (p.hfid ? p.label : `${p.kind} ${p.label}`);

export function lifecycleText(l: LifecycleCallout): { who: string; move: string } {
  return { who: `${l.label}${l.product ? ` (${l.product})` : ''}`, move: `${l.from ?? 'new'} → ${l.to ?? 'deleted'}` };
}

/** "allocated 1000 from Customer vlan pool", "claimed DcimInterfaceL2 sw01 / eth1", and who for. */
export function allocationText(a: AllocationCallout): { what: string; forWhom: string } {
  const pool = a.poolLabel ?? a.pool;
  const what =
    a.type === 'claim'
      ? `${a.action === 'allocated' ? 'claimed' : 'released'} ${pool} ${a.resourceLabel ?? a.resource}`
      : `${a.action} ${a.resource} ${a.action === 'allocated' ? 'from' : 'to'} ${pool}`;
  const target = a.targetLabel ?? a.target;
  return { what, forWhom: `${target !== undefined ? `for ${target} ` : ''}(${a.purpose})` };
}

export function summaryText(d: Diff): string {
  const s = d.summary;
  let out = `${s.added} added, ${s.changed} changed, ${s.removed} removed`;
  const hidden = d.hidden.reduce((n, h) => n + h.objects, 0);
  if (hidden) out += ` · ${plural(hidden, 'bookkeeping change')} hidden (${d.hidden.map((h) => h.kind).join(', ')}; --all shows ${hidden === 1 ? 'it' : 'them'})`;
  if (d.files.length) out += ` · ${plural(d.files.length, 'file')} not readable as objects`;
  return out;
}

export const rangeText = (r: DiffRange | undefined): string => (r ? `${r.base} → ${r.head}` : '');
