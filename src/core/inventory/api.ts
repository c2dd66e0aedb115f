import type { Diagnostic } from '../diagnostics.js';
import type { Cardinality, SchemaSet } from '../schema/model.js';
import type { AttributeValue, ChangeSet, InventoryObject, InventoryReader, PeerRef } from './model.js';

/**
 * The inventory as the rest of svc uses it (`svc load`, validation, generators, requests). The
 * implementation sits over the SQLite index (src/adapters/index/inventory.ts); open one with
 * `openInventory` in src/app/inventory.ts. See ./README-api.md.
 *
 * Paths in this API are relative to the catalog root, with forward slashes
 * (e.g. `inventory/DcimDevice/atl1-core1.json`), as diagnostics name files.
 */
export interface RelationView {
  /** The relationship's name on the object's own kind (for a derived direction: the counterpart's name on this kind, or `~<peer rel>` when this kind does not declare it). */
  name: string;
  /** `out`: stored in this object's file; `in`: stored in the peer's file, derived by the index. */
  direction: 'out' | 'in';
  identifier: string;
  cardinality: Cardinality;
  /** The kind declared as the peer (may be a generic). */
  peer: string;
  /** Sorted by kind, then hfid text, then id. */
  peers: PeerRef[];
}

export interface FilePlan {
  /** Files to create or replace; only those whose bytes change. Sorted by path. */
  writes: { path: string; text: string }[];
  /** Files to delete (deleted objects, and the old paths of renamed ones). Sorted. */
  deletes: string[];
}

export interface AppliedChanges {
  written: string[];
  deleted: string[];
  /** What was written, as `plan` would have said (computed once, not twice). */
  plan: FilePlan;
}

export interface Inventory extends InventoryReader {
  readonly schema: SchemaSet;
  /** Objects of `kind` (a generic: every inheriting kind) whose attributes equal `filter`'s values, sorted by kind then path. */
  query(kind: string, filter?: Record<string, AttributeValue>): InventoryObject[];
  /** Both directions of every relationship of the object, sorted by name then direction. */
  relationsOf(id: string): RelationView[];
  hfidOf(id: string): string[] | undefined;
  /** Ids of the objects of `kind` (generics included) whose stored relationship `rel` points at `id`, sorted. */
  referrers(id: string, kind: string, rel: string): string[];
  /** The objects `referrers` names, sorted by id. */
  referrerObjects(id: string, kind: string, rel: string): InventoryObject[];
  /** The git blob ids of the objects' files (their contents); ids of no object are left out. */
  blobsOf(ids: readonly string[]): Map<string, string>;
  /** The id of the object of `kind` with this human-friendly id, without reading it. */
  idByHfid(kind: string, hfid: readonly string[]): string | undefined;
  pathOf(id: string): string | undefined;
  /**
   * What the index found while reading the files, for `svc validate`: unreadable files, values of
   * the wrong type, unknown keys, references that do not resolve, uniqueness violations. Sorted.
   */
  problems(): Diagnostic[];
  /** Pure with respect to the disk: what `apply` would write. Throws ValidationError for an unusable change set. */
  plan(changes: ChangeSet): FilePlan;
  /** The index in one transaction, then the files (all or nothing). */
  apply(changes: ChangeSet): AppliedChanges;
  close(): void;
}
