import { diag, type Diagnostic } from '../diagnostics.js';
import { ownValidator } from '../own-schema.js';
import { checkShape } from '../yaml/shape.js';
import { pointerToPath, type YamlSource } from '../yaml/source.js';
import { schemaFileSchema } from './meta-schema.js';
import type { RawSchemaDocument } from './raw.js';

/** Compiled once per process, and only when a schema file is checked. */
const validator = ownValidator(schemaFileSchema);

/** Keys without which an item means nothing: when one is broken the whole item is left out. */
const IDENTITY_KEYS = new Set(['name', 'namespace', 'peer']);
const ITEM_LISTS = new Set(['generics', 'nodes', 'attributes', 'relationships', 'choices']);
const REMOVED = Symbol('removed');

export interface StructureResult {
  diagnostics: Diagnostic[];
  /**
   * The document with every structurally broken part left out, so the semantic checks can still run
   * on the rest of the file without reporting follow-on errors about the parts already reported.
   */
  doc: RawSchemaDocument;
}

/** Stage 1: the file's structure against the meta-schema. */
export function checkStructure(src: YamlSource): StructureResult {
  const value = src.value ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      diagnostics: [diag('error', 'schema/not-a-mapping', 'a schema file must be a mapping with version, generics, nodes or extensions', src.locate([]), { hint: 'start with `version: "1.0"` and `nodes:`' })],
      doc: {},
    };
  }
  const validate = validator();
  const diagnostics = checkShape(validate, { ...src, value }, 'schema');
  if (diagnostics.length === 0) return { diagnostics, doc: value as RawSchemaDocument };
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'additionalProperties' || e.keyword === 'if') continue;
    const path = pointerToPath(e.instancePath);
    const last = String(path[path.length - 1]);
    const owner = path.slice(0, -1);
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty?: string }).missingProperty;
      if (missing === 'kind' && path[path.length - 2] === 'attributes') set(copy, [...path, 'kind'], 'Any');
      else set(copy, path, REMOVED);
    } else if (last === 'kind' && owner[owner.length - 2] === 'attributes') {
      // An attribute of unknown kind stays, as Any, so paths and defaults that use it are not reported again.
      set(copy, path, 'Any');
    } else if ((IDENTITY_KEYS.has(last) || (last === 'kind' && owner[owner.length - 2] === 'nodes' && owner[0] === 'extensions')) && isItemPath(owner)) {
      set(copy, owner, REMOVED);
    } else {
      set(copy, path, REMOVED);
    }
  }
  return { diagnostics, doc: compact(copy) as RawSchemaDocument };
}

function isItemPath(path: readonly (string | number)[]): boolean {
  return typeof path[path.length - 1] === 'number' && ITEM_LISTS.has(String(path[path.length - 2]));
}

function set(root: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  if (path.length === 0) return;
  let parent: unknown = root;
  for (const seg of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return;
    parent = (parent as Record<string | number, unknown>)[seg];
  }
  if (parent !== null && typeof parent === 'object') (parent as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

/** Removed list items become holes, not gaps: indices must keep matching the YAML for positions. */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = new Array<unknown>(v.length);
    v.forEach((x, i) => {
      if (x !== REMOVED) out[i] = compact(x);
    });
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== REMOVED) out[k] = compact(x);
    return out;
  }
  return v;
}
