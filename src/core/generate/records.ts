import { sortRecords, type AllocationRecord } from '../pools/records.js';
import type { AttributeValue, InventoryObject, PeerRef } from '../inventory/model.js';
import { objectId } from '../inventory/paths.js';

/**
 * What svc remembers about one generator's run for one target: which objects it produced, and the
 * allocations and claims it holds. It is an inventory object of the built-in kind SvcGeneratorRun
 * (src/core/generate/schema.ts), so it lives in git beside what it describes, merges cleanly (one
 * file per generator and target) and is indexed like everything else. Diffs hide it unless asked.
 */
export const RUN_KIND = 'SvcGeneratorRun';

/** Values an object had before a generator first changed it, to put back when the generator lets go. */
export interface Before {
  attributes?: Record<string, AttributeValue | null>;
  relationships?: Record<string, PeerRef | PeerRef[] | null>;
}

export interface ProducedEntry {
  id: string;
  /**
   * True when a generator created the object (it did not exist, or another run had generated it):
   * deleted when the last run producing it lets go. False for objects that existed before (a switch
   * port): those are only patched, and `before` restores them.
   */
  generated: boolean;
  before?: Before;
}

export interface GeneratorRun {
  /** The record's own inventory id. */
  id: string;
  generator: string;
  target: string;
  produced: ProducedEntry[];
  allocations: AllocationRecord[];
}

export const runId = (generator: string, target: string): string => objectId(RUN_KIND, [generator, target]);

export function runFromObject(obj: InventoryObject): GeneratorRun {
  const a = obj.attributes;
  return {
    id: obj.id,
    generator: String(a.generator ?? ''),
    target: String(a.target ?? ''),
    produced: Array.isArray(a.produced) ? (a.produced as unknown as ProducedEntry[]) : [],
    allocations: Array.isArray(a.allocations) ? (a.allocations as unknown as AllocationRecord[]) : [],
  };
}

/** Deterministic: entries sorted by id, allocations by pool then key, keys of `before` sorted. */
export function runToObject(run: GeneratorRun): InventoryObject {
  const produced = [...run.produced]
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .map((e) => {
      const out: ProducedEntry = { id: e.id, generated: e.generated };
      if (e.before) out.before = sortBefore(e.before);
      return out;
    });
  return {
    id: run.id,
    kind: RUN_KIND,
    attributes: {
      generator: run.generator,
      target: run.target,
      produced: produced as unknown as AttributeValue,
      allocations: sortRecords(run.allocations) as unknown as AttributeValue,
    },
    relationships: {},
  };
}

function sortBefore(b: Before): Before {
  const sort = <T>(r: Record<string, T> | undefined) => (r ? Object.fromEntries(Object.entries(r).sort(([x], [y]) => (x < y ? -1 : 1))) : undefined);
  const out: Before = {};
  const attrs = sort(b.attributes);
  const rels = sort(b.relationships);
  if (attrs && Object.keys(attrs).length) out.attributes = attrs;
  if (rels && Object.keys(rels).length) out.relationships = rels;
  return out;
}
