import { relative, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import type { Diagnostic } from '../diagnostics.js';
import type { FileHost } from '../host.js';
import { OBJECT_FILE_EXT } from '../inventory/paths.js';
import type { SchemaSet } from '../schema/model.js';
import { displayPath } from '../schema/load.js';
import { checkInventory } from './check.js';

/**
 * The inventory stage of `svc validate`: the object files of the work tree (as a reviewer sees
 * them, uncommitted edits included) checked against the schema. Undefined when the catalog has no
 * inventory folder yet.
 */
export function inventoryStage(catalog: Pick<Catalog, 'root' | 'inventory'>, schema: SchemaSet, host: FileHost): { diagnostics: Diagnostic[]; objects: number } | undefined {
  if (!host.isDirectory(catalog.inventory)) return undefined;
  const files = host.listFiles(catalog.inventory, [OBJECT_FILE_EXT]).map((abs) => ({
    path: relative(catalog.inventory, abs).split(sep).join('/'),
    file: displayPath(abs, catalog.root),
    text: host.readText(abs),
  }));
  return checkInventory(schema, files);
}
