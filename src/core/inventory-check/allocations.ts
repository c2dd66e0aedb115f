import { diag, sortDiagnostics, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { RUN_KIND, runFromObject, type GeneratorRun } from '../generate/records.js';
import { decodeObject } from '../inventory/codec.js';
import { parseHfidPath } from '../inventory/hfid.js';
import { kindOfPath } from '../inventory/paths.js';
import { POOL_KINDS, poolFromObject } from '../pools/from-inventory.js';
import { parseAddress, parsePrefix } from '../pools/ip.js';
import { checkPool, compilePool, type CompiledPool } from '../pools/model.js';
import { namespaceOf } from '../pools/namespace.js';
import { findHeldTwice, type AllocationRecord, type Holding } from '../pools/records.js';
import type { SchemaSet } from '../schema/model.js';
import { label } from './attributes.js';
import type { Located, ObjectFileText } from './model.js';
import { resolveInventory } from './resolve.js';

/**
 * `svc validate`'s allocations stage (defence in depth): no resource may be held twice, whoever
 * made the duplicate (a hand edit, an old svc, two branches merged). Holders are the allocation
 * records of generator runs and the inventory objects that carry a pool's values (the VLAN ids of a
 * number pool's kind, prefixes and addresses inside IP pools). An object and the record of the run
 * that produced it are one holder. When the reservation ledger exists, its own audit is reported too.
 */
export interface AllocationsCheck {
  diagnostics: Diagnostic[];
  /** Allocation and claim records read. */
  records: number;
}

const SUBSCRIPTION = 'SvcSubscription';

/** The kinds the check reads: runs, pools, what pools count, and what names them (hfid peers). */
function kindsToRead(schema: SchemaSet, files: readonly ObjectFileText[]): Set<string> {
  const concrete = (k: string) => (schema.get(k) ? schema.concreteKinds(k) : []);
  const kinds = new Set<string>([RUN_KIND, ...Object.keys(POOL_KINDS), ...concrete('BuiltinIPPrefix'), ...concrete('BuiltinIPAddress'), ...concrete('BuiltinIPNamespace'), ...concrete(SUBSCRIPTION)]);
  for (const f of files) {
    const kind = kindOfPath(f.path);
    if (kind !== 'CoreNumberPool') continue;
    const node = decodeObject(schema, f.path, f.text, f.file).object?.attributes.node;
    if (typeof node === 'string') for (const k of concrete(node)) kinds.add(k);
  }
  // An hfid may run through a relationship (a prefix is named by its namespace): read those peers too.
  const todo = [...kinds];
  while (todo.length) {
    const k = schema.get(todo.pop()!);
    for (const path of k?.human_friendly_id ?? []) {
      const rel = parseHfidPath(path).via[0];
      const peer = rel === undefined ? undefined : k?.relationships.find((r) => r.name === rel)?.peer;
      for (const p of peer ? concrete(peer) : []) if (!kinds.has(p)) kinds.add(p), todo.push(p);
    }
  }
  return kinds;
}

/** One comparable form per resource, so `1000` and 1000, or two spellings of a prefix, match. */
function spanKey(type: AllocationRecord['type'], resource: string): string | undefined {
  if (type === 'claim') return `claim:${resource}`;
  if (type === 'number') return /^-?\d+$/.test(resource.trim()) ? `number:${BigInt(resource.trim())}` : undefined;
  const p = type === 'prefix' ? parsePrefix(resource) : parseAddress(resource);
  if (!p) return undefined;
  return 'start' in p ? `prefix:${p.family}:${p.start}-${p.end}` : `address:${p.family}:${p.value}`;
}

/** Numbers and claims compare within their pool (or kind); IP resources across pools (of one namespace), as findHeldTwice does. */
const holdingKey = (type: AllocationRecord['type'], pool: string | undefined, resource: string): string =>
  `${type === 'number' || type === 'claim' ? (pool ?? '') : ''}\0${spanKey(type, resource) ?? resource}`;

interface RunEntry {
  run: GeneratorRun;
  at: Located;
  /** Its records, by holdingKey. */
  keys: Set<string>;
  /** Objects of this run standing for one of its records: named in the record's holder. */
  objectsFor: Map<string, string[]>;
}

export function checkAllocations(schema: SchemaSet, files: readonly ObjectFileText[], ledgerProblems?: readonly string[]): AllocationsCheck {
  const kinds = kindsToRead(schema, files);
  const inv = resolveInventory(schema, files.filter((f) => kinds.has(kindOfPath(f.path) ?? '')));
  const out: Diagnostic[] = [];
  const byKind = (k: string) => inv.objects.filter((o) => schema.get(k) !== undefined && schema.isA(o.object.kind, k));
  const where = (o: Located) => `${label(o)} (${o.file.file})`;
  const nameOf = (id: string) => {
    const o = inv.byId.get(id);
    return o ? label(o) : id;
  };

  const nsOf = namespaceOf({ hasKind: (k) => schema.get(k) !== undefined, list: (k) => byKind(k).map((o) => o.object) });
  // Pools, compiled; a pool that cannot be read is named once, at its file.
  const pools: { obj: Located; pool: CompiledPool }[] = [];
  const poolLabel = new Map<string, string>();
  const poolSpace = new Map<string, string>();
  for (const o of Object.keys(POOL_KINDS).flatMap(byKind)) {
    const { pool, diagnostics } = poolFromObject(o.object, { get: (id) => inv.byId.get(id)?.object });
    const problems = pool ? checkPool(pool) : diagnostics;
    for (const d of problems) out.push(diag('error', d.code, d.message, o.at(), { subject: label(o) }));
    if (!pool || problems.length) continue;
    pools.push({ obj: o, pool: compilePool(pool) });
    poolLabel.set(pool.id, `"${pool.name}"`);
    if (pool.type !== 'number') poolSpace.set(pool.id, nsOf(o.object));
  }

  // Runs and what they produced.
  const runs: RunEntry[] = byKind(RUN_KIND).map((o) => {
    const run = runFromObject(o.object);
    const keys = new Set(run.allocations.map((a) => holdingKey(a.type, a.pool, a.resource)));
    return { run, at: o, keys, objectsFor: new Map() };
  });
  const producers = new Map<string, RunEntry[]>();
  for (const r of runs) for (const p of r.run.produced) producers.set(p.id, [...(producers.get(p.id) ?? []), r]);

  // Objects inside pools; one that stands for its producer's record is that record, not a second holder.
  const objectHoldings: Holding[] = [];
  const hold = (o: Located, attr: string, type: Holding['type'], resource: string, poolId: string | undefined, space?: string) => {
    const key = holdingKey(type, poolId, resource);
    const runsOf = producers.get(o.object.id) ?? [];
    const owner = runsOf.find((r) => r.keys.has(key));
    if (owner) {
      owner.objectsFor.set(key, [...(owner.objectsFor.get(key) ?? []), where(o)]);
      return;
    }
    const madeBy = runsOf.map((r) => ` made by generator ${r.run.generator} for ${nameOf(r.run.target)}`).join(',');
    objectHoldings.push({ type, resource, holder: `${where(o)}${madeBy}`, ...(poolId !== undefined ? { pool: poolLabel.get(poolId) ?? poolId } : {}), ...(space !== undefined ? { space } : {}), ...o.at(attr) });
  };
  const seen = new Set<string>();
  for (const { obj, pool } of pools) {
    const def = pool.def;
    if (def.type === 'number') {
      const node = obj.object.attributes.node;
      const attr = obj.object.attributes.node_attribute;
      if (typeof node !== 'string' || typeof attr !== 'string') continue;
      const ranges = pool.spaces[0]?.ranges ?? [];
      for (const o of byKind(node)) {
        const v = o.object.attributes[attr];
        if (typeof v !== 'number' || !Number.isInteger(v)) continue;
        if (ranges.some((r) => r.start <= BigInt(v) && BigInt(v) <= r.end)) hold(o, attr, 'number', String(v), def.id);
      }
      continue;
    }
    const [kind, attr] = def.type === 'prefix' ? ['BuiltinIPPrefix', 'prefix'] : ['BuiltinIPAddress', 'address'];
    const space = poolSpace.get(def.id);
    for (const o of byKind(kind)) {
      const text = o.object.attributes[attr];
      if (typeof text !== 'string' || seen.has(o.object.id) || nsOf(o.object) !== space) continue;
      const p = parsePrefix(text);
      const a = def.type === 'address' ? parseAddress(text) : undefined;
      if (!p) continue;
      // An address sits at its own value, not across the prefix written after it.
      const span = a ? { start: a.value, end: a.value } : p;
      const inside = pool.parents.some((q) => q.family === p.family && q.start <= span.start && span.end <= q.end);
      // The pool's own parents (and anything above them) are the pool, not a use of it.
      const parentOrAbove = def.type === 'prefix' && pool.parents.some((q) => q.family === p.family && p.start <= q.start && q.end <= p.end);
      if (!inside || parentOrAbove) continue;
      seen.add(o.object.id);
      hold(o, attr, def.type, text, undefined, space);
    }
  }

  // Records, each naming its run, its target and the objects that stand for it.
  const recordHoldings: Holding[] = [];
  let records = 0;
  for (const r of runs) {
    for (const a of r.run.allocations) {
      records++;
      const objects = r.objectsFor.get(holdingKey(a.type, a.pool, a.resource)) ?? [];
      const at = locateRecord(r.at, a);
      recordHoldings.push({
        type: a.type,
        resource: a.resource,
        holder: `allocation ${a.key} of generator ${r.run.generator} for ${nameOf(a.target ?? r.run.target)} (${r.at.file.file}${objects.length ? `; ${objects.join('; ')}` : ''})`,
        pool: a.type === 'number' ? (poolLabel.get(a.pool) ?? a.pool) : a.pool,
        ...(poolSpace.has(a.pool) ? { space: poolSpace.get(a.pool)! } : {}),
        ...at,
      });
    }
  }

  const twice = findHeldTwice([...recordHoldings, ...objectHoldings]);
  const messages = new Set<string>();
  for (const d of twice) {
    if (messages.has(d.message)) continue;
    messages.add(d.message);
    out.push(d);
  }
  for (const p of ledgerProblems ?? []) {
    out.push(diag('error', 'reservations/ledger-inconsistent', `reservation ledger: ${p}`, undefined, {
      hint: 'the ledger ref (refs/svc/reservations) was edited by hand or by an old svc: release the wrong reservation with svc, never by editing the ref',
    }));
  }
  return { diagnostics: sortDiagnostics(out), records };
}

/** The line of a record's `key` in its run file, so the finding points at the entry itself. */
function locateRecord(run: Located, r: AllocationRecord): SourceLocation {
  const needle = `"key": ${JSON.stringify(r.key)}`;
  const i = run.file.text.indexOf(needle);
  if (i < 0) return run.at('allocations');
  const before = run.file.text.slice(0, i);
  const line = before.split('\n').length;
  return { file: run.file.file, line, column: i - before.lastIndexOf('\n') };
}

