import type { SourceLocation } from '../diagnostics.js';
import type { DecodedObject } from '../inventory/codec.js';
import type { InventoryObject } from '../inventory/model.js';

/** One object file of the inventory, as read from the work tree (or a test). */
export interface ObjectFileText {
  /** Relative to the inventory folder, forward slashes: `<Kind>/<hfid parts>.json`. */
  path: string;
  /** How findings name it: relative to the catalog root. */
  file: string;
  text: string;
}

/** A decoded object with what the checks need to point at it. */
export interface Located {
  file: ObjectFileText;
  decoded: DecodedObject;
  /** References resolved to ids; those that do not resolve are left out (and reported). */
  object: InventoryObject;
  hfid: string[] | undefined;
  /** Where a top-level key is written in the file (line 1 when absent). */
  at(key?: string): SourceLocation;
}
