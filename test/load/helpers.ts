import { join } from 'node:path';
import { nodeFileHost } from '../../src/adapters/fs.js';
import type { InventoryObject, InventoryReader } from '../../src/core/inventory/model.js';
import { hfidOf } from '../../src/core/inventory/hfid.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

export const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/load');

export function fixtureSchema(): SchemaSet {
  const load = loadSchemaPaths([join(FIXTURES, 'schemas')], nodeFileHost, FIXTURES);
  if (!load.schema) throw new Error(`fixture schema is broken: ${JSON.stringify(load.diagnostics)}`);
  return load.schema;
}

/**
 * An inventory held in a list: the InventoryReader contract over plain values, for pure tests
 * (the real store is exercised by the end-to-end tests).
 */
export function memoryReader(schema: SchemaSet, objects: InventoryObject[] = []): InventoryReader & { objects: InventoryObject[] } {
  const reader = {
    objects,
    get: (id: string) => objects.find((o) => o.id === id),
    list: (kind: string) => objects.filter((o) => schema.isA(o.kind, kind)).sort((a, b) => (a.id < b.id ? -1 : 1)),
    findByHfid: (kind: string, hfid: readonly string[]) =>
      objects.find((o) => schema.isA(o.kind, kind) && JSON.stringify(hfidOf(schema, o, reader)) === JSON.stringify(hfid)),
  };
  return reader;
}

/** Apply a ChangeSet to the in-memory list, as the store would. */
export function applyTo(reader: { objects: InventoryObject[] }, upserts: InventoryObject[]): void {
  for (const o of upserts) {
    const i = reader.objects.findIndex((x) => x.id === o.id);
    if (i >= 0) reader.objects[i] = structuredClone(o);
    else reader.objects.push(structuredClone(o));
  }
}
