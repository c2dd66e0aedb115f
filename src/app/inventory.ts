import type { Progress } from '../core/progress.js';
import { openIndex, type OpenedIndex } from '../adapters/index/refresh.js';
import { SqliteInventory } from '../adapters/index/inventory.js';
import type { Listed } from '../adapters/index/reader.js';
import type { ReaderChoice } from '../adapters/index/sources.js';
import type { StatusAnswer } from '../adapters/index/gitstate.js';
import { nodeFileHost } from '../adapters/fs.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import type { RelationView } from '../core/inventory/api.js';
import type { AttributeValue, InventoryObject } from '../core/inventory/model.js';
import { ID_PATTERN } from '../core/inventory/paths.js';
import { parseFilterValue, valueType } from '../core/inventory/values.js';
import { conditionTest, parseCondition, sortRows, type Row } from '../core/inventory/list-query.js';
import { loadModel } from './model.js';
import type { SchemaSet } from '../core/schema/model.js';
import { cachedCatalogSchema } from './schema-cache.js';
import { didYouMean } from '../core/suggest.js';
import { storedRelationships } from '../core/inventory/ownership.js';

/**
 * Composition for commands: the catalog's inventory over its SQLite index, brought up to date
 * (incrementally, or rebuilt) before it is returned. Close it when done.
 */
export function openInventory(catalog: Pick<Catalog, 'root' | 'inventory'>, schema: SchemaSet, opts: { dbPath?: string; reader?: ReaderChoice; status?: StatusAnswer; busyTimeoutMs?: number; progress?: Progress } = {}): SqliteInventory {
  const opened: OpenedIndex = openIndex({ catalogRoot: catalog.root, inventoryDir: catalog.inventory, schema, ...opts });
  return new SqliteInventory(opened, catalog.inventory, catalog.root);
}

/** The catalog's resolved schema; a broken schema stops inventory commands (fix it with `svc validate`). */
export function catalogSchema(catalog: Catalog): SchemaSet {
  // The whole model (schemas + products + svc's kinds), as generate and request use: one index for all.
  const load = cachedCatalogSchema(catalog, () => loadModel(catalog, nodeFileHost));
  if (!load.schema) throw new UsageError('schema/invalid', 'the schema has errors', { diagnostics: load.diagnostics, hint: 'run `svc validate` and fix the schema first' });
  return load.schema;
}

function requireKind(schema: SchemaSet, kind: string): void {
  if (schema.get(kind)) return;
  const user = [...schema.kinds.values()].filter((k) => !k.builtin).map((k) => k.kind);
  throw new UsageError('inventory/unknown-kind', `unknown kind "${kind}"`, { hint: didYouMean(kind, schema.kinds.keys()) ?? `kinds: ${user.join(', ') || '(none: add schemas)'}` });
}

/**
 * `key=value` filters: on an attribute, the value typed by the attribute's kind; on a relationship
 * the kind's files store, the peer's id or human-friendly id (components joined by " / ", as svc
 * prints them), or nothing for objects without a peer there.
 */
export interface Filters {
  attributes: Record<string, AttributeValue>;
  /** Relationship name → the peer as given ('' for none), resolved once the inventory is open. */
  relationships: Record<string, string>;
}

export function parseFilters(schema: SchemaSet, kind: string, args: readonly string[]): Filters {
  const k = schema.get(kind)!;
  const stored = storedRelationships(schema, k);
  const out: Filters = { attributes: {}, relationships: {} };
  for (const arg of args) {
    const i = arg.indexOf('=');
    if (i <= 0) throw new UsageError('inventory/bad-filter', `--filter ${arg}: expected key=value`, { hint: 'e.g. --filter status=active, or --filter site=par01 for a relationship' });
    const key = arg.slice(0, i);
    const text = arg.slice(i + 1);
    const a = k.attributes.find((x) => x.name === key);
    if (a) {
      const v = parseFilterValue(a.kind, text);
      if ('problem' in v) throw new UsageError('inventory/bad-filter', `--filter ${key}: ${v.problem}`);
      out.attributes[key] = v.value;
      continue;
    }
    const rel = k.relationships.find((r) => r.name === key);
    if (rel && stored.includes(rel)) {
      out.relationships[key] = text;
      continue;
    }
    if (rel) {
      // The other side's files hold the link: filter there.
      const back = schema.get(rel.peer)?.relationships.find((r) => r.identifier === rel.identifier && (rel.peer !== kind || r.name !== rel.name));
      throw new UsageError('inventory/unstored-filter', `--filter ${key}: ${kind} files do not store "${key}", its ${rel.peer} peers do`, { hint: back ? `list from the other side: svc list ${rel.peer} --filter ${back.name}=<this ${kind}>` : `see \`svc show ${kind} <id>\` for its ${key}` });
    }
    const names = [...k.attributes.map((x) => x.name), ...stored.map((r) => r.name)];
    throw new UsageError('inventory/unknown-filter', `${kind} has no attribute or relationship "${key}"`, { hint: didYouMean(key, names) ?? `attributes and relationships: ${names.join(', ')}` });
  }
  return out;
}

/** The relationship filters' peers as ids, read from the inventory; a peer that is not there is refused. */
function resolvePeers(inv: SqliteInventory, kind: string, given: Record<string, string>): Record<string, string | null> {
  const k = inv.schema.get(kind)!;
  const out: Record<string, string | null> = {};
  for (const [name, text] of Object.entries(given)) {
    if (text === '') {
      out[name] = null;
      continue;
    }
    const rel = k.relationships.find((r) => r.name === name)!;
    const byId = ID_PATTERN.test(text) ? inv.get(text) : undefined;
    const peer = byId && inv.schema.isA(byId.kind, rel.peer) ? byId.id : inv.idByHfid(rel.peer, text.split(' / '));
    if (peer === undefined) {
      throw new UsageError('inventory/unknown-peer', `--filter ${name}=${text}: no ${rel.peer} ${text}`, { hint: `give its id or its human-friendly id (components joined by " / "); \`svc list ${rel.peer}\` lists them, and --filter ${name}= keeps the objects without one` });
    }
    out[name] = peer;
  }
  return out;
}

export interface ObjectView {
  id: string;
  kind: string;
  hfid: string[] | null;
  path: string;
  attributes: Record<string, AttributeValue>;
  relationships: { name: string; direction: 'out' | 'in'; cardinality: string; peer: string; peers: { id: string; kind: string; hfid: string[] | null }[] }[];
}

/**
 * `own`: the object's path and hfid when a listing read them already. `peerHfid`: the hfids of
 * peers, shared by the rows of one listing (the interfaces of a device all name it).
 */
function viewOf(inv: SqliteInventory, obj: InventoryObject, rels: RelationView[] | undefined, own?: Omit<Listed, 'obj'>, peerHfid: (id: string) => string[] | null = (id) => inv.hfidOf(id) ?? null): ObjectView {
  return {
    id: obj.id,
    kind: obj.kind,
    hfid: own ? (own.hfidJson === null ? null : (JSON.parse(own.hfidJson) as string[])) : (inv.hfidOf(obj.id) ?? null),
    path: own ? inv.display(own.path) : (inv.pathOf(obj.id) ?? ''),
    attributes: obj.attributes,
    relationships: (rels ?? outgoing(inv.schema, obj)).map((r) => ({
      name: r.name,
      direction: r.direction,
      cardinality: r.cardinality,
      peer: r.peer,
      peers: r.peers.map((p) => ({ id: p.id, kind: p.kind, hfid: peerHfid(p.id) })),
    })),
  };
}

/** The stored direction only: cheap enough for every row of `svc list`. */
function outgoing(schema: SchemaSet, obj: InventoryObject): RelationView[] {
  const k = schema.get(obj.kind);
  return Object.entries(obj.relationships).map(([name, v]) => {
    const rel = k?.relationships.find((r) => r.name === name);
    return { name, direction: 'out', identifier: rel?.identifier ?? '', cardinality: Array.isArray(v) ? 'many' : 'one', peer: rel?.peer ?? '', peers: Array.isArray(v) ? v : [v] };
  });
}

/**
 * What the readers below take from the command: git status as asked at its start (see openIndex),
 * awaited only once the arguments are known good, so that a usage error never waits for git.
 */
export interface ReadOptions {
  status?: Promise<StatusAnswer | undefined>;
}

/** What `svc list` asks past equality filters: a sort (`-field`: descending) and a limit, applied in that order. */
export interface ListQuery {
  sort?: string;
  limit?: number;
}

/** The names `--fields`, `--sort` and conditions may use: id, the attributes, the relationships the files store. */
export function listFields(schema: SchemaSet, kind: string): string[] {
  const k = schema.get(kind)!;
  return ['id', ...k.attributes.map((a) => a.name), ...storedRelationships(schema, k).map((r) => r.name)];
}

/**
 * `svc list`: objects of a kind (a generic: every inheriting kind) matching the filters. `key=value`
 * filters are answered by the index; other operators (`>=`, `~`, `!=` ...) test the rows it returns.
 * `total`: how many matched before the limit.
 */
export async function listObjects(catalog: Catalog, kind: string, filterArgs: readonly string[], opts: ReadOptions & ListQuery = {}): Promise<{ schema: SchemaSet; objects: ObjectView[]; total: number }> {
  const schema = catalogSchema(catalog);
  requireKind(schema, kind);
  const conditions = filterArgs.map((a) => ({ arg: a, c: parseCondition(a) }));
  const filter = parseFilters(schema, kind, conditions.filter((x) => x.c.op === '=').map((x) => x.arg));
  const fields = listFields(schema, kind);
  const tests = conditions.filter((x) => x.c.op !== '=').map(({ c }) => {
    if (!fields.includes(c.key)) parseFilters(schema, kind, [`${c.key}=`]);
    const attr = schema.get(kind)!.attributes.find((a) => a.name === c.key);
    return conditionTest(c, attr !== undefined && valueType(attr.kind) === 'integer');
  });
  if (opts.sort !== undefined) sortRows([], opts.sort, fields);
  const inv = openInventory(catalog, schema, { status: await opts.status });
  try {
    const peers = resolvePeers(inv, kind, filter.relationships);
    const hfids = new Map<string, string[] | null>();
    const peerHfid = (id: string) => {
      let h = hfids.get(id);
      if (h === undefined) hfids.set(id, (h = inv.hfidOf(id) ?? null));
      return h;
    };
    let objects = inv.listing(kind, filter.attributes, peers).map(({ obj, ...own }) => viewOf(inv, obj, undefined, own, peerHfid));
    if (tests.length) objects = objects.filter((o) => { const row = rowOf(o); return tests.every((t) => t(row)); });
    if (opts.sort !== undefined) objects = sortRows(objects.map((o) => Object.assign(rowOf(o), { view: o })), opts.sort, fields).map((r) => r.view);
    const total = objects.length;
    return { schema, objects: opts.limit !== undefined ? objects.slice(0, opts.limit) : objects, total };
  } finally {
    inv.close();
  }
}

/** `svc show`: one object by id or hfid (several components as several arguments), with both directions. */
export async function showObject(catalog: Catalog, kind: string, ref: readonly string[], opts: ReadOptions = {}): Promise<ObjectView> {
  const schema = catalogSchema(catalog);
  requireKind(schema, kind);
  const inv = openInventory(catalog, schema, { status: await opts.status });
  try {
    let obj: InventoryObject | undefined;
    if (ref.length === 1 && ID_PATTERN.test(ref[0]!)) {
      obj = inv.get(ref[0]!);
      if (obj && !schema.isA(obj.kind, kind)) obj = undefined;
    }
    obj ??= inv.findByHfid(kind, ref);
    if (!obj) {
      const hfid = schema.get(kind)?.human_friendly_id;
      throw new UsageError('inventory/not-found', `no ${kind} ${ref.join(' / ')}`, { hint: hfid?.length ? `give its id or its human-friendly id (${hfid.join(', ')}), one argument per component; \`svc list ${kind}\` lists them` : `give its id; \`svc list ${kind}\` lists them` });
    }
    return viewOf(inv, obj, inv.relationsOf(obj.id));
  } finally {
    inv.close();
  }
}

function rowOf(o: ObjectView): Row {
  const label = (p: { id: string; hfid: string[] | null }) => (p.hfid ? p.hfid.join(' / ') : p.id);
  return { id: o.id, attributes: o.attributes, peers: Object.fromEntries(o.relationships.map((r) => [r.name, r.peers.map((p) => ({ id: p.id, label: label(p) }))])) };
}
