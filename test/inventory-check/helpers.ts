import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeObject } from '../../src/core/inventory/codec.js';
import { hfidOf } from '../../src/core/inventory/hfid.js';
import type { InventoryObject } from '../../src/core/inventory/model.js';
import { objectPath } from '../../src/core/inventory/paths.js';
import type { ObjectFileText } from '../../src/core/inventory-check/model.js';
import { planLoad } from '../../src/core/load/plan.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { FIXTURES, memoryReader } from '../load/helpers.js';

/** The fixture objects, written with the store's codec at the store's paths: a valid inventory. */
export function fixtureInventory(schema: SchemaSet): Map<string, string> {
  const inputs = readdirSync(join(FIXTURES, 'objects'))
    .sort()
    .map((f) => ({ file: f, text: readFileSync(join(FIXTURES, 'objects', f), 'utf8') }));
  const plan = planLoad(inputs, schema, memoryReader(schema));
  if (plan.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(plan.diagnostics));
  return encodeAll(schema, plan.changeSet.upserts);
}

export function encodeAll(schema: SchemaSet, objects: InventoryObject[]): Map<string, string> {
  const reader = memoryReader(schema, objects);
  const out = new Map<string, string>();
  for (const o of objects) {
    const hfid = hfidOf(schema, o, reader);
    out.set(objectPath(o.kind, o.id, hfid), encodeObject(schema, o, (p) => {
      const peer = reader.get(p.id);
      return peer ? hfidOf(schema, peer, reader) : undefined;
    }));
  }
  return out;
}

export function asFiles(tree: Map<string, string>): ObjectFileText[] {
  return [...tree].map(([path, text]) => ({ path, file: `inventory/${path}`, text }));
}

/** Edit one file's JSON. */
export function edit(tree: Map<string, string>, path: string, change: (o: Record<string, unknown>) => void): void {
  const text = tree.get(path);
  if (text === undefined) throw new Error(`no ${path} in ${[...tree.keys()].join(', ')}`);
  const o = JSON.parse(text) as Record<string, unknown>;
  change(o);
  tree.set(path, `${JSON.stringify(o, null, 2)}\n`);
}
