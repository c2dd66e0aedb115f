import { diag, type Diagnostic } from '../diagnostics.js';
import type { KindSchema, RelationshipSchema, SchemaSet } from '../schema/model.js';
import { didYouMean } from '../suggest.js';
import type { YamlPath, YamlSource } from '../yaml/source.js';
import { coerceAttribute } from './coerce.js';
import { isMapping, resolveKind } from './envelope.js';
import { reverseOf } from './owner.js';
import { expandRange, hasRange, RangeSyntaxError } from './range.js';
import type { Entry, PeerSpec } from './types.js';

/** A finding about an entry: named (kind + hfid) once hfids are known. */
export interface Pending {
  d: Diagnostic;
  entry?: Entry;
}

interface Ctx {
  schema: SchemaSet;
  src: YamlSource;
  expand: boolean;
  entries: Entry[];
  out: Pending[];
}

interface ParentLink {
  entry: Entry;
  /** The parent's relationship the child is nested under. */
  rel: RelationshipSchema;
}

const isScalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

/** The items of one block (a spec or a nested `data:` list), ranges expanded, walked into entries. */
export function walkBlock(ctx: Ctx, kind: KindSchema, items: unknown[], at: YamlPath, parent?: ParentLink): Entry[] {
  const made: Entry[] = [];
  items.forEach((raw, i) => {
    const path = [...at, i];
    if (!isMapping(raw)) {
      ctx.out.push({ d: diag('error', 'load/not-a-mapping', `each item of ${kind.kind} must be a mapping of attributes and relationships`, ctx.src.locate(path)) });
      return;
    }
    for (const item of ctx.expand ? expandItem(ctx, raw, path) : [raw]) made.push(walkItem(ctx, kind, item, path, parent));
  });
  return made;
}

function expandItem(ctx: Ctx, raw: Record<string, unknown>, path: YamlPath): Record<string, unknown>[] {
  const fields = new Map<string, string[]>();
  for (const [key, value] of Object.entries(raw)) {
    const text = typeof value === 'string' ? value : isMapping(value) && typeof value.value === 'string' && Object.keys(value).length === 1 ? value.value : undefined;
    if (text === undefined || !hasRange(text)) continue;
    try {
      fields.set(key, expandRange(text));
    } catch (e) {
      if (!(e instanceof RangeSyntaxError)) throw e;
      ctx.out.push({ d: diag('error', 'load/bad-range', `${key}: ${e.message}`, ctx.src.locate([...path, key]), { hint: 'write ranges as [1-4], [1,3,5] or [a-d]; escape a literal bracket as \\[' }) });
      return [];
    }
  }
  if (fields.size === 0) return [raw];
  const lengths = [...fields.values()].map((v) => v.length);
  if (new Set(lengths).size > 1) {
    const detail = [...fields.entries()].map(([k, v]) => `${k} → ${v.length}`).join(', ');
    ctx.out.push({ d: diag('error', 'load/range-mismatch', `ranges in one item must expand to the same number of values (${detail})`, ctx.src.locate(path), { hint: 'the n-th value of each range goes to the n-th object' }) });
    return [];
  }
  return Array.from({ length: lengths[0] ?? 0 }, (_, n) => {
    const copy: Record<string, unknown> = { ...raw };
    for (const [key, values] of fields) copy[key] = values[n];
    return copy;
  });
}

function walkItem(ctx: Ctx, kind: KindSchema, item: Record<string, unknown>, path: YamlPath, parent?: ParentLink): Entry {
  const { src, schema } = ctx;
  const entry: Entry = { kind: kind.kind, schema: kind, where: src.locate(path), attributes: {}, attributeWhere: {}, relationships: {} };
  ctx.entries.push(entry);
  if (parent) {
    const back = reverseOf(schema, parent.entry.kind, parent.rel, kind.kind);
    if (back) entry.relationships[back.name] = { rel: back, peers: [{ entry: parent.entry }], where: entry.where, implied: true };
  }
  for (const [key, value] of Object.entries(item)) {
    const where = src.locate([...path, key]);
    const attr = kind.attributes.find((a) => a.name === key);
    if (attr) {
      let raw = value;
      if (isMapping(value) && (attr.kind !== 'JSON' || ('value' in value && Object.keys(value).length === 1))) {
        const extra = Object.keys(value).filter((k) => k !== 'value');
        if (extra.length) {
          ctx.out.push({ entry, d: diag('error', 'load/unknown-key', `${key}: only "value" is supported in an attribute mapping, not ${extra.map((k) => `"${k}"`).join(', ')}`, src.locateKey([...path, key, extra[0]!]), { key }) });
          continue;
        }
        raw = value.value;
      }
      entry.attributeWhere[key] = where;
      if (raw === null || raw === undefined) {
        entry.attributes[key] = null;
        continue;
      }
      const c = coerceAttribute(attr, raw);
      if (c.ok) {
        entry.attributes[key] = c.value;
        if (c.warning) ctx.out.push({ entry, d: diag('warning', c.warning.code, c.warning.message, where, { key, hint: c.warning.hint }) });
      } else {
        ctx.out.push({ entry, d: diag('error', c.code, c.message, where, { key, ...(c.hint ? { hint: c.hint } : {}) }) });
      }
      continue;
    }
    const rel = kind.relationships.find((r) => r.name === key);
    if (rel) {
      const peers = walkRelationship(ctx, entry, rel, value, [...path, key]);
      if (peers) entry.relationships[key] = { rel, peers, where };
      continue;
    }
    const pooled = /^(.+)_from_resource_pool$/.exec(key);
    const poolRel = pooled ? kind.relationships.find((r) => r.name === pooled[1]) : undefined;
    if (poolRel) {
      const pool = isScalar(value) ? [String(value)] : Array.isArray(value) && value.every(isScalar) ? value.map(String) : undefined;
      if (pool) (entry.fromPool ??= {})[poolRel.name] = { pool, where };
      else ctx.out.push({ entry, d: diag('error', 'load/bad-relationship', `${key}: expected the human-friendly id of a pool (its name)`, where, { key, hint: `e.g. ${key}: my-pool` }) });
      continue;
    }
    const names = [...kind.attributes.map((a) => a.name), ...kind.relationships.map((r) => r.name)];
    ctx.out.push({
      entry,
      d: diag('error', 'load/unknown-key', `${kind.kind} has no attribute or relationship "${key}"`, src.locateKey([...path, key]), { key, hint: didYouMean(key, names) ?? `known: ${names.join(', ')}` }),
    });
  }
  return entry;
}

/** The four shapes Infrahub accepts for a relationship, by cardinality. Undefined when invalid (reported). */
function walkRelationship(ctx: Ctx, entry: Entry, rel: RelationshipSchema, value: unknown, path: YamlPath): PeerSpec[] | undefined {
  const { src } = ctx;
  const where = src.locate(path);
  const bad = (what: string) => {
    ctx.out.push({ entry, d: diag('error', 'load/bad-relationship', `${rel.name} (cardinality ${rel.cardinality}): ${what}`, where, { key: rel.name, hint: rel.cardinality === 'one' ? 'write the peer\'s human-friendly id (a string, or a list for several parts) or {data: {...}} for an object defined here' : 'write a list of human-friendly ids, or {kind: ..., data: [...]} for objects defined here' }) });
    return undefined;
  };
  const ref = (v: string | number | (string | number)[], at: YamlPath): PeerSpec => ({ hfid: Array.isArray(v) ? v.map(String) : [String(v)], where: src.locate(at) });
  const nested = (block: Record<string, unknown>, at: YamlPath, many: boolean): Entry[] | undefined => {
    const declared = ctx.schema.get(rel.peer);
    let peerKind: KindSchema | undefined = declared;
    if (block.kind !== undefined || declared?.isGeneric) {
      const found: Diagnostic[] = [];
      peerKind = resolveKind(block.kind, ctx.schema, src.locate(block.kind === undefined ? at : [...at, 'kind']), found);
      for (const d of found) ctx.out.push({ entry, d: { ...d, key: rel.name } });
    }
    if (!peerKind) return undefined;
    if (!ctx.schema.isA(peerKind.kind, rel.peer)) {
      ctx.out.push({ entry, d: diag('error', 'load/wrong-peer-kind', `${rel.name} takes ${rel.peer}, not ${peerKind.kind}`, src.locate([...at, 'kind']), { key: rel.name }) });
      return undefined;
    }
    for (const k of Object.keys(block)) {
      if (k !== 'kind' && k !== 'data' && k !== 'parameters') ctx.out.push({ entry, d: diag('error', 'load/unknown-key', `unknown key "${k}" in the ${rel.name} block`, src.locateKey([...at, k]), { hint: 'a nested block holds kind:, data: and parameters:' }) });
    }
    const link = { entry, rel };
    // A nested block may set its own `parameters: {expand_range}`; otherwise it inherits the file's.
    const inner = block.parameters === undefined ? ctx : { ...ctx, expand: blockExpand(ctx, block.parameters, [...at, 'parameters'], entry) };
    if (many) return Array.isArray(block.data) ? walkBlock(inner, peerKind, block.data, [...at, 'data'], link) : bad('data: must be a list of objects');
    return isMapping(block.data) ? [walkItem(inner, peerKind, block.data, [...at, 'data'], link)] : bad('data: must be a mapping');
  };
  if (rel.cardinality === 'one') {
    if (value === null) return [];
    if (isScalar(value)) return [ref(value, path)];
    if (Array.isArray(value) && value.every(isScalar)) return [ref(value, path)];
    if (isMapping(value) && 'data' in value) return nested(value, path, false)?.map((e) => ({ entry: e }));
    return bad(Array.isArray(value) ? 'a list of objects where one peer is expected' : 'expected a human-friendly id or {data: {...}}');
  }
  if (value === null) return [];
  if (isMapping(value) && 'data' in value) return nested(value, path, true)?.map((e) => ({ entry: e }));
  if (Array.isArray(value)) {
    if (value.every((v) => isScalar(v) || (Array.isArray(v) && v.every(isScalar)))) return value.map((v, i) => ref(v as string | number | (string | number)[], [...path, i]));
    if (value.every((v) => isMapping(v) && 'data' in v)) {
      const out: PeerSpec[] = [];
      value.forEach((v, i) => (nested(v as Record<string, unknown>, [...path, i], false) ?? []).forEach((e) => out.push({ entry: e })));
      return out;
    }
  }
  return bad('expected a list of human-friendly ids or {kind: ..., data: [...]}');
}

function blockExpand(ctx: Ctx, params: unknown, at: YamlPath, entry: Entry): boolean {
  if (!isMapping(params) || Object.keys(params).some((k) => k !== 'expand_range') || (params.expand_range !== undefined && typeof params.expand_range !== 'boolean')) {
    ctx.out.push({ entry, d: diag('error', 'load/bad-parameters', 'parameters: must be {expand_range: true|false}', ctx.src.locate(at)) });
    return ctx.expand;
  }
  return params.expand_range ?? ctx.expand;
}

export type { Ctx as WalkContext };
