import type { Progress } from '../progress.js';
import { diag, hasErrors, sortDiagnostics, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { sameObject } from '../inventory/equality.js';
import { objectId } from '../inventory/paths.js';
import type { ChangeSet, InventoryObject, InventoryReader, PeerRef } from '../inventory/model.js';
import type { RelationshipSchema, SchemaSet } from '../schema/model.js';
import { didYouMean } from '../suggest.js';
import { ruleProblems } from '../inventory-check/values.js';
import { builtinDefaultNamespace, DEFAULT_NAMESPACE_KIND, findDefaultNamespace, takesNamespace } from '../pools/namespace.js';
import { walkBlock, type Pending, type WalkContext } from './collect.js';
import { parseYamlDocuments } from './documents.js';
import { applyProfiles, applyTemplate, type GeneratedWork } from './templates.js';
import { allocateFromPools } from './pools.js';
import { readEnvelope } from './envelope.js';
import { reverseOf, storesRelationship } from './owner.js';
import { HfidResolver, hfidKey } from './resolve.js';
import type { Entry, LoadInput } from './types.js';
import { generatorOwners, overwrittenFields, targetLabel, type Owner } from './generated.js';

export type NewId = (kind: string, hfid: readonly string[]) => string;

/** The store's id function: stable across runs and machines, so a load is reproducible. */
export const defaultNewId: NewId = (kind, hfid) => objectId(kind, hfid);

export interface KindCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface LoadPlan {
  /** Empty when there are errors: nothing may be written then. */
  changeSet: ChangeSet;
  diagnostics: Diagnostic[];
  /** Per concrete kind, sorted by kind. */
  summary: Record<string, KindCounts>;
  /** Objects described by the files (after range expansion and nesting). */
  objects: number;
}

export interface LoadOptions {
  newId?: NewId;
  /**
   * Let the files' values replace fields a generator set (reported as warnings). Without it such a
   * load is refused, field by field (./generated.ts).
   */
  overwriteGenerated?: boolean;
  /** Object id → the open request branch that has claimed it: changing it is refused the same way. */
  held?: ReadonlyMap<string, string>;
  /** Told of each object checked (see core/progress.ts). */
  progress?: Progress;
}

/**
 * Object files + the schema + what the inventory holds → the ChangeSet that upserts every object by
 * human-friendly id. Pure. An object that exists keeps its id; what the files give replaces its
 * values one attribute (and relationship) at a time, the rest stays. Loading the same files twice
 * plans nothing the second time.
 */
export function planLoad(inputs: readonly LoadInput[], schema: SchemaSet, reader: InventoryReader, opts: LoadOptions = {}): LoadPlan {
  const newId = opts.newId ?? defaultNewId;
  const pending: Pending[] = [];
  const entries: Entry[] = [];
  for (const input of [...inputs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    for (const src of parseYamlDocuments(input.text, input.file)) {
      for (const d of src.diagnostics) pending.push({ d });
      if (hasErrors(src.diagnostics)) continue;
      const found: Diagnostic[] = [];
      const block = readEnvelope(src, schema, found);
      for (const d of found) pending.push({ d });
      if (!block) continue;
      const ctx: WalkContext = { schema, src, expand: block.expand, entries, out: pending };
      walkBlock(ctx, block.kind, block.items, ['spec', 'data']);
    }
  }

  const virtual = fillDefaultNamespace(schema, reader, entries);
  const hfids = new HfidResolver(schema, virtual ? withObject(reader, schema, virtual) : reader, entries);
  const label = (e: Entry): string => {
    const h = hfids.hfid(e);
    return h ? `${e.kind} "${h.join(' / ')}"` : `${e.kind} at line ${e.where.line}`;
  };
  const report = (e: Entry, d: Diagnostic) => pending.push({ entry: e, d });

  // Identity: every entry needs an hfid, and may appear once.
  const live: Entry[] = [];
  const firstOf = new Map<string, Entry>();
  let checked = 0;
  for (const e of entries) {
    opts.progress?.('checking objects', ++checked, entries.length);
    const h = hfids.hfid(e);
    if (!h) {
      const paths = e.schema.human_friendly_id;
      if (!paths?.length) report(e, diag('error', 'load/no-hfid', `${e.kind} has no human_friendly_id, so it cannot be upserted`, e.where, { hint: 'declare human_friendly_id on the kind in the schema' }));
      else if (!pending.some((x) => x.entry === e && x.d.severity === 'error')) report(e, diag('error', 'load/incomplete-hfid', `the human-friendly id (${paths.join(', ')}) cannot be computed: ${hfids.missingParts(e).join(', ')} missing or unresolved`, e.where, { hint: 'give every attribute the human_friendly_id names' }));
      continue;
    }
    const key = `${e.kind}\u0000${hfidKey(h)}`;
    const first = firstOf.get(key);
    if (first && first.where.file === e.where.file) {
      report(e, diag('error', 'load/duplicate', `defined twice in this file (first at ${first.where.file}:${first.where.line})`, e.where, { hint: 'define each object once in a file; elsewhere refer to it by its human-friendly id' }));
      continue;
    }
    // A later file may describe an object again (add interfaces to a device an earlier file made):
    // Infrahub's loader upserts in file order, so the later file updates it. Both entries share one object.
    firstOf.set(key, e);
    live.push(e);
  }

  const base = new Map<string, InventoryObject | undefined>();
  const work = new Map<string, InventoryObject>();
  const objOf = new Map<Entry, InventoryObject>();
  const touch = (existing: InventoryObject): InventoryObject => {
    let w = work.get(existing.id);
    if (!w) {
      w = structuredClone(existing);
      // The built-in default namespace is made by the first load that needs it.
      base.set(existing.id, existing === virtual ? undefined : existing);
      work.set(existing.id, w);
    }
    return w;
  };
  for (const e of live) {
    const h = hfids.hfid(e)!;
    const existing = reader.findByHfid(e.kind, h);
    let obj: InventoryObject;
    if (existing && existing.kind === e.kind) obj = touch(existing);
    else {
      // The id seed is the hfid; an object renamed since it was created still holds the id of its old
      // name, so a new object with that old name takes the next free seed instead of colliding.
      let id = newId(e.kind, h);
      for (let n = 2; reader.get(id) !== undefined; n++) id = newId(e.kind, [...h, `#${n}`]);
      obj = work.get(id) ?? { id, kind: e.kind, attributes: {}, relationships: {} };
      if (!work.has(id)) {
        base.set(id, undefined);
        work.set(id, obj);
        for (const a of e.schema.attributes) if (a.default_value !== undefined && a.default_value !== null) obj.attributes[a.name] = structuredClone(a.default_value) as InventoryObject['attributes'][string];
      }
    }
    for (const [name, value] of Object.entries(e.attributes)) {
      if (value === null) delete obj.attributes[name];
      else obj.attributes[name] = value;
    }
    objOf.set(e, obj);
  }

  // References: resolve every peer, then store each link once, on its owning side (./owner.ts).
  type Link = { from: InventoryObject; rel: RelationshipSchema; to: InventoryObject; where: SourceLocation; entry: Entry };
  const explicit = new Map<string, PeerRef[]>();
  const listedIn = new Map<string, string>();
  const profilesOf = new Map<Entry, InventoryObject[]>();
  const reverse: Link[] = [];
  const claimed = new Map<string, { id: string; where: SourceLocation }>();
  const claimOne = (holder: InventoryObject, relName: string, peer: InventoryObject, l: Link): boolean => {
    const key = `${holder.id}\u0000${relName}`;
    const prior = claimed.get(key);
    // Between files the later one wins (an upsert); within one file two values are a contradiction.
    if (prior && prior.id !== peer.id && prior.where.file === l.where.file) {
      report(l.entry, diag('error', 'load/conflicting-reference', `${holder.kind} ${holder.id === l.from.id ? 'itself' : `"${hfidLabel(holder)}"`} would get two values for ${relName} (the other set at ${prior.where.file}:${prior.where.line})`, l.where, { key: l.rel.name, hint: `${relName} holds a single peer` }));
      return false;
    }
    claimed.set(key, { id: peer.id, where: l.where });
    return true;
  };
  const hfidLabel = (o: InventoryObject): string => {
    for (const [e, obj] of objOf) if (obj === o) return (hfids.hfid(e) ?? []).join(' / ');
    return o.id;
  };
  for (const e of live) {
    const from = objOf.get(e)!;
    for (const rv of Object.values(e.relationships)) {
      if (rv.fallback && from.relationships[rv.rel.name] !== undefined) continue;
      const peers: InventoryObject[] = [];
      for (const p of rv.peers) {
        if ('entry' in p) {
          const o = objOf.get(p.entry);
          if (o) peers.push(o);
          continue;
        }
        const found = hfids.find(rv.rel.peer, p.hfid);
        if (!found) {
          const hint = didYouMean(p.hfid.join(' / '), hfids.known(rv.rel.peer)) ?? `no ${rv.rel.peer} with that human-friendly id exists in the inventory or in the files being loaded`;
          report(e, diag('error', 'load/dangling-reference', `${rv.rel.name} refers to ${rv.rel.peer} "${p.hfid.join(' / ')}", which does not exist`, p.where, { key: rv.rel.name, hint }));
        } else if ('ambiguous' in found) {
          report(e, diag('error', 'load/ambiguous-reference', `${rv.rel.name}: "${p.hfid.join(' / ')}" matches objects of several kinds (${found.ambiguous.join(', ')})`, p.where, { key: rv.rel.name, hint: 'define the peer in a nested block with its kind:' }));
        } else {
          const o = 'entry' in found ? objOf.get(found.entry) : touch(found.object);
          if (o) peers.push(o);
        }
      }
      if (rv.rel.kind === 'Profile' && rv.rel.name === 'profiles') profilesOf.set(e, [...(profilesOf.get(e) ?? []), ...peers]);
      const storedHere = storesRelationship(schema, e.kind, rv.rel);
      if (!storedHere) {
        for (const to of peers) reverse.push({ from, rel: rv.rel, to, where: rv.where, entry: e });
        continue;
      }
      const key = `${from.id}\u0000${rv.rel.name}`;
      let list = explicit.get(key);
      // A later file that lists the relationship itself replaces what an earlier file listed.
      if (list && !rv.implied && listedIn.has(key) && listedIn.get(key) !== rv.where.file) list = undefined;
      if (!list) {
        // A child's link to its parent adds to a `many` side; what a file lists itself replaces it.
        list = rv.implied && rv.rel.cardinality === 'many' ? currentRefs(from, rv.rel.name) : [];
        explicit.set(key, list);
      }
      if (!rv.implied) listedIn.set(key, rv.where.file);
      for (const to of peers) {
        if (rv.rel.cardinality === 'one' && !claimOne(from, rv.rel.name, to, { from, rel: rv.rel, to, where: rv.where, entry: e })) continue;
        list.push({ id: to.id, kind: to.kind });
      }
    }
  }
  for (const [key, refs] of explicit) {
    const [id, name] = key.split('\u0000') as [string, string];
    const obj = work.get(id)!;
    const rel = schema.get(obj.kind)?.relationships.find((r) => r.name === name);
    setRefs(obj, name, rel?.cardinality ?? 'many', refs);
  }
  for (const l of reverse) {
    const back = reverseOf(schema, l.from.kind, l.rel, l.to.kind);
    if (!back) continue;
    if (back.cardinality === 'one') {
      if (claimOne(l.to, back.name, l.from, l)) l.to.relationships[back.name] = { id: l.from.id, kind: l.from.kind };
    } else {
      setRefs(l.to, back.name, 'many', [...currentRefs(l.to, back.name), { id: l.from.id, kind: l.from.kind }]);
    }
  }

  allocateFromPools(
    {
      schema,
      reader,
      work,
      newId,
      objOf: (e) => objOf.get(e),
      findPool: (hfid) => hfids.find('CoreResourcePool', hfid),
      create: (o) => {
        base.set(o.id, undefined);
        work.set(o.id, o);
      },
      report,
    },
    live,
  );

  // Infrahub's generated kinds at work: a new object copies its template, then takes its profiles' values.
  const gen: GeneratedWork = {
    schema,
    reader,
    work,
    newId,
    isNew: (id) => base.has(id) && base.get(id) === undefined,
    create: (o) => {
      base.set(o.id, undefined);
      work.set(o.id, o);
    },
  };
  const givenOn = new Map<InventoryObject, Set<string>>();
  for (const e of live) {
    const given = givenOn.get(objOf.get(e)!) ?? givenOn.set(objOf.get(e)!, new Set()).get(objOf.get(e)!)!;
    for (const name of Object.keys(e.attributes)) given.add(name);
  }
  const templated = new Set<InventoryObject>();
  for (const e of live) {
    const obj = objOf.get(e)!;
    const given = givenOn.get(obj)!;
    if (!templated.has(obj)) {
      templated.add(obj);
      for (const name of applyTemplate(gen, obj, given)) given.add(name);
    }
    const profiles = profilesOf.get(e);
    if (profiles) applyProfiles(gen, obj, profiles, given);
  }

  // What the objects must hold once merged with what exists.
  for (const e of live) {
    const obj = objOf.get(e)!;
    for (const a of e.schema.attributes) {
      const v = obj.attributes[a.name];
      // A value of the wrong type is reported as such where it is written, not also as missing.
      const rejected = a.name in e.attributeWhere && !(a.name in e.attributes);
      if (!a.optional && (v === undefined || v === null) && !rejected) {
        report(e, diag('error', 'load/missing-mandatory', `mandatory attribute ${a.name} (${a.kind}) is missing`, e.where, { key: a.name, hint: `add ${a.name}:` }));
      } else if (v !== undefined && v !== null && a.name in e.attributes) {
        for (const p of ruleProblems(a, v)) report(e, diag('error', p.code.replace(/^value\//, 'load/'), p.message, e.attributeWhere[a.name] ?? e.where, { key: a.name, ...(p.hint ? { hint: p.hint } : {}) }));
      }
    }
    for (const r of e.schema.relationships) {
      // A relationship the file gives but that did not resolve is already reported as such.
      if (r.optional || r.cardinality !== 'one' || r.name in e.relationships || !storesRelationship(schema, e.kind, r)) continue;
      if (obj.relationships[r.name] === undefined) report(e, diag('error', 'load/missing-relationship', `mandatory relationship ${r.name} (${r.peer}) is missing`, e.where, { key: r.name, hint: `add ${r.name}: <human-friendly id of a ${r.peer}>` }));
    }
  }

  // Fields a generator set, which the files would put back to their bootstrap values.
  let owners: Map<string, Owner[]> | undefined;
  for (const e of live) {
    const obj = objOf.get(e)!;
    const before = base.get(obj.id);
    if (!before || sameObject(before, obj)) continue;
    const holder = opts.held?.get(obj.id);
    if (holder !== undefined) {
      const msg = `changes an object the open request ${holder} has claimed: merging it may undo this load, or this load what it expects`;
      if (opts.overwriteGenerated) report(e, diag('warning', 'load/overwrites-held', msg, e.where, { hint: `check ${holder} after the load (svc request rebase)` }));
      else report(e, diag('error', 'load/overwrites-held', msg, e.where, { hint: `merge or abandon ${holder} first, or pass --overwrite-generated to load it anyway` }));
    }
    owners ??= generatorOwners(reader);
    const mine = owners.get(obj.id);
    if (!mine) continue;
    for (const o of overwrittenFields(before, obj, mine)) {
      const by = `generator ${o.owner.generator} for ${targetLabel(reader, o.owner.target)}`;
      const change = `${o.field}: ${JSON.stringify(o.now ?? null)} → ${JSON.stringify(o.loaded ?? null)}`;
      const where = e.attributeWhere[o.field] ?? e.relationships[o.field]?.where ?? e.where;
      if (opts.overwriteGenerated) report(e, diag('warning', 'load/overwrites-generated', `${change} replaces what ${by} set`, where, { key: o.field, hint: 'run `svc generate` to let the generators converge again' }));
      else report(e, diag('error', 'load/overwrites-generated', `${change} would replace what ${by} set`, where, { key: o.field, hint: 'leave the field out of the file (the generator owns it), or pass --overwrite-generated to load it anyway' }));
    }
  }

  const diagnostics = sortDiagnostics(
    pending.map(({ d, entry }) => (entry ? { ...d, subject: label(entry), message: `${label(entry)}: ${d.message}` } : d)),
  );
  const summary: Record<string, KindCounts> = {};
  const count = (kind: string, what: keyof KindCounts) => {
    const c = (summary[kind] ??= { created: 0, updated: 0, unchanged: 0 });
    c[what]++;
  };
  const upserts: InventoryObject[] = [];
  for (const [id, obj] of work) {
    const before = base.get(id);
    if (!before) {
      upserts.push(obj);
      count(obj.kind, 'created');
    } else if (!sameObject(before, obj)) {
      upserts.push(obj);
      count(obj.kind, 'updated');
    } else {
      count(obj.kind, 'unchanged');
    }
  }
  upserts.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const failed = hasErrors(diagnostics);
  return {
    changeSet: { upserts: failed ? [] : upserts, deletes: [] },
    diagnostics,
    summary: Object.fromEntries(Object.entries(summary).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    objects: entries.length,
  };
}

function currentRefs(obj: InventoryObject, name: string): PeerRef[] {
  const v = obj.relationships[name];
  return v === undefined ? [] : Array.isArray(v) ? [...v] : [v];
}

function setRefs(obj: InventoryObject, name: string, cardinality: 'one' | 'many', refs: PeerRef[]): void {
  if (cardinality === 'one') {
    if (refs[0]) obj.relationships[name] = refs[0];
    else delete obj.relationships[name];
    return;
  }
  const unique = new Map(refs.map((r) => [r.id, r]));
  obj.relationships[name] = [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A prefix or address that names no namespace is in the default one, as in Infrahub: each such entry
 * gets a reference to it by name. When neither the inventory nor the files hold a default namespace,
 * the built-in one is returned, to be made by this load if anything refers to it.
 */
function fillDefaultNamespace(schema: SchemaSet, reader: InventoryReader, entries: Entry[]): InventoryObject | undefined {
  if (!schema.get(DEFAULT_NAMESPACE_KIND)) return undefined;
  const inFiles = entries.filter((e) => schema.isA(e.kind, 'BuiltinIPNamespace'));
  const stored = findDefaultNamespace(reader.list('BuiltinIPNamespace'));
  const declared = inFiles.find((e) => e.attributes.default === true) ?? inFiles.find((e) => e.attributes.name === 'default');
  const name = String(stored?.attributes.name ?? declared?.attributes.name ?? 'default');
  for (const e of entries) {
    if (!takesNamespace(schema, e.kind) || 'ip_namespace' in e.relationships) continue;
    const rel = e.schema.relationships.find((r) => r.name === 'ip_namespace')!;
    e.relationships.ip_namespace = { rel, peers: [{ hfid: [name], where: e.where }], where: e.where, implied: true, fallback: true };
  }
  return stored || declared ? undefined : builtinDefaultNamespace();
}

/** `reader` with one more object, found by its name. */
function withObject(reader: InventoryReader, schema: SchemaSet, extra: InventoryObject): InventoryReader {
  return {
    get: (id) => reader.get(id) ?? (id === extra.id ? extra : undefined),
    findByHfid: (kind, hfid) => reader.findByHfid(kind, hfid) ?? (schema.isA(extra.kind, kind) && hfid.length === 1 && hfid[0] === extra.attributes.name ? extra : undefined),
    list: (kind) => (schema.isA(extra.kind, kind) ? [...reader.list(kind), extra] : reader.list(kind)),
  };
}
