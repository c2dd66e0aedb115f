import type { AttributeValue } from '../inventory/model.js';
import type { AllocationCallout, Diff, LifecycleCallout, ObjectChange, ObjectName } from './model.js';

/**
 * # The JSON shape of a diff (`svc diff --format json`, `svc request ... --format json`)
 *
 * Stable: fields are only ever added; a breaking change bumps `format`. Every list is sorted, so the
 * same change always prints the same bytes. Attribute values are the JSON values the object files
 * hold; `null` means "absent" (files never store null). docs/diff-json.md is the user-facing copy.
 *
 * ```jsonc
 * {
 *   "format": "svc-diff/1",
 *   "base": { "rev": "main", "commit": "1a2b…" },         // from the command; absent when not given
 *   "head": { "rev": "work tree", "commit": null },        // commit null: the work tree
 *   "summary": { "added": 4, "changed": 5, "removed": 0 }, // kinds shown only
 *   "lifecycle": [                                          // sorted by label, then id
 *     { "kind": "ProductDedicatedInternet", "id": "fb01…", "label": "dia-0001",
 *       "product": "dedicated internet 1000", "from": "provisioning", "to": "active" }  // from/to null: new/deleted
 *   ],
 *   "allocations": [                                        // allocated before released; then target, purpose
 *     { "action": "allocated", "type": "number", "resource": "1000", "resourceLabel": null,
 *       "pool": "6add…", "poolLabel": "Customer vlan pool", "key": "fb01…:vlan", "purpose": "vlan",
 *       "generator": "dedicated_internet", "target": "fb01…", "targetLabel": "dia-0001" }
 *   ],                                                      // type "claim": pool is the kind, resource the object id
 *   "kinds": [                                              // sorted by kind
 *     { "kind": "IpamVLAN", "added": 1, "changed": 0, "removed": 0,   // changed counts renames
 *       "objects": [                                        // added, changed/renamed, removed; then label
 *         { "change": "added",                              // added | changed | renamed | removed
 *           "kind": "IpamVLAN", "id": "32d2…", "hfid": ["vlan__dia-0001"], "label": "vlan__dia-0001",
 *           "path": "IpamVLAN/vlan__dia-0001.json",         // relative to the inventory folder
 *           "previousPath": null, "previousLabel": null,    // set for renames
 *           "attributes": [ { "name": "vlan_id", "before": null, "after": 1000 } ],   // schema order
 *           "relationships": [ { "name": "l2domain", "cardinality": "one",
 *               "added": [ { "kind": "IpamL2Domain", "id": null, "hfid": ["default"], "label": "default" } ],
 *               "removed": [] } ] } ] }
 *   ],
 *   "hidden": [ { "kind": "SvcGeneratorRun", "objects": 1 } ],      // empty with --all
 *   "files": [ { "path": "README.md", "change": "added", "problem": "…" } ]   // not readable as objects
 * }
 * ```
 * An added object lists every attribute and relationship it has (`before` null, `removed` empty); a
 * removed one everything it had; a changed or renamed one only what differs. `hfid` is null for
 * kinds without one (the object is then named by its id).
 */
export const DIFF_JSON_FORMAT = 'svc-diff/1';

export interface RevisionJson {
  rev: string;
  /** Null for the work tree. */
  commit: string | null;
}

export interface DiffJsonMeta {
  base?: RevisionJson;
  head?: RevisionJson;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const value = (v: AttributeValue | undefined): Json => (v === undefined ? null : (v as Json));

const name = (p: ObjectName): Json => ({ kind: p.kind, id: p.id ?? null, hfid: p.hfid ?? null, label: p.label });

function object(o: ObjectChange): Json {
  return {
    change: o.change,
    kind: o.kind,
    id: o.id,
    hfid: o.hfid ?? null,
    label: o.label,
    path: o.path,
    previousPath: o.previousPath ?? null,
    previousLabel: o.previousLabel ?? null,
    attributes: o.attributes.map((a) => ({ name: a.name, before: value(a.before), after: value(a.after) })),
    relationships: o.relationships.map((r) => ({ name: r.name, cardinality: r.cardinality, added: r.added.map(name), removed: r.removed.map(name) })),
  };
}

const lifecycle = (l: LifecycleCallout): Json => ({ kind: l.kind, id: l.id, label: l.label, product: l.product ?? null, from: l.from, to: l.to });

const allocation = (a: AllocationCallout): Json => ({
  action: a.action,
  type: a.type,
  resource: a.resource,
  resourceLabel: a.resourceLabel ?? null,
  pool: a.pool,
  poolLabel: a.poolLabel ?? null,
  key: a.key,
  purpose: a.purpose,
  generator: a.generator,
  target: a.target ?? null,
  targetLabel: a.targetLabel ?? null,
});

/** The documented JSON value (see above): every key but base and head always present, in this order. */
export function diffToJson(d: Diff, meta: DiffJsonMeta = {}): Json {
  return {
    format: DIFF_JSON_FORMAT,
    ...(meta.base ? { base: { rev: meta.base.rev, commit: meta.base.commit } } : {}),
    ...(meta.head ? { head: { rev: meta.head.rev, commit: meta.head.commit } } : {}),
    summary: { ...d.summary },
    lifecycle: d.lifecycle.map(lifecycle),
    allocations: d.allocations.map(allocation),
    kinds: d.kinds.map((k) => ({ kind: k.kind, added: k.added, changed: k.changed, removed: k.removed, objects: k.objects.map(object) })),
    hidden: d.hidden.map((h) => ({ kind: h.kind, objects: h.objects })),
    files: d.files.map((f) => ({ path: f.path, change: f.change, problem: f.problem })),
  };
}

/** The JSON text, two-space indented, with a final newline. */
export const renderJson = (d: Diff, meta: DiffJsonMeta = {}): string => `${JSON.stringify(diffToJson(d, meta), null, 2)}\n`;
