import type { Progress } from '../progress.js';
import { diag, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { objectPath } from '../inventory/paths.js';
import type { SchemaSet } from '../schema/model.js';
import { checkAttributes, label } from './attributes.js';
import type { ObjectFileText } from './model.js';
import { checkRelationships } from './relationships.js';
import { resolveInventory } from './resolve.js';
import { checkUniqueness } from './unique.js';

export interface InventoryCheck {
  diagnostics: Diagnostic[];
  objects: number;
}

/**
 * `svc validate`'s inventory stage, pure: every object file against the schema and against each
 * other. Each finding names the object's file and the line of the key at fault (line 1 when the
 * problem is the object as a whole).
 */
export function checkInventory(schema: SchemaSet, files: readonly ObjectFileText[], progress?: Progress): InventoryCheck {
  const inv = resolveInventory(schema, files, progress);
  const found: Diagnostic[] = [
    ...checkAttributes(schema, inv.objects),
    ...checkUniqueness(schema, inv.objects, inv.byId),
    ...checkRelationships(schema, inv.objects, inv.byId),
  ];
  const duplicated = new Set(inv.diagnostics.filter((d) => d.code === 'inventory/duplicate-id').map((d) => /id (\S+)/.exec(d.message)?.[1]));
  for (const o of inv.objects) {
    // An hfid that cannot be computed (a broken reference) or a shared id is reported already.
    if ((schema.get(o.object.kind)?.human_friendly_id?.length && !o.hfid) || duplicated.has(o.object.id)) continue;
    const expected = objectPath(o.object.kind, o.object.id, o.hfid);
    if (expected !== o.file.path) {
      found.push(diag('error', 'inventory/path-mismatch', `${label(o)} belongs in ${expected}, not ${o.file.path}`, o.at(), { subject: label(o), hint: `move it: git mv ${o.file.path} ${expected} (inside the inventory folder)` }));
    }
  }
  // A `one` relationship holding several references is reported once, as such, not also as unreadable.
  const tooMany = new Set(found.filter((d) => d.code === 'inventory/too-many-peers').map((d) => `${d.file}:${d.line}`));
  const decoded = inv.diagnostics.filter((d) => !(d.code === 'inventory/bad-reference' && tooMany.has(`${d.file}:${d.line}`)));
  return { diagnostics: sortDiagnostics([...decoded, ...found]), objects: inv.objects.length };
}
