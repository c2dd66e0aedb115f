import { relative, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import type { FileHost } from '../host.js';
import { OBJECT_FILE_EXT } from '../inventory/paths.js';
import { displayPath } from '../schema/load.js';
import type { ObjectFileText } from './model.js';

/**
 * What the inventory stages of `svc validate` check: the object files of the work tree (as a
 * reviewer sees them, uncommitted edits included), read once for all of them, each named from the
 * catalog root. Undefined when the catalog has no inventory folder yet.
 */
export function readObjectFiles(catalog: Pick<Catalog, 'root' | 'inventory'>, host: FileHost): ObjectFileText[] | undefined {
  if (!host.isDirectory(catalog.inventory)) return undefined;
  const files = host.listFiles(catalog.inventory, [OBJECT_FILE_EXT]);
  const texts = host.readTexts ? host.readTexts(files) : files.map((abs) => host.readText(abs));
  return files.map((abs, i) => ({
    path: relative(catalog.inventory, abs).split(sep).join('/'),
    file: displayPath(abs, catalog.root),
    text: texts[i]!,
  }));
}
