import { diag, type Diagnostic } from '../diagnostics.js';
import type { SchemaSet } from '../schema/model.js';
import type { Located } from './model.js';
import { ruleProblems } from './values.js';

/** Mandatory values, choices, enum, regex and bounds of every attribute of every object. */
export function checkAttributes(schema: SchemaSet, objects: readonly Located[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const o of objects) {
    const kind = schema.get(o.object.kind);
    if (!kind) continue;
    const subject = label(o);
    for (const a of kind.attributes) {
      const v = o.object.attributes[a.name];
      if (v === undefined || v === null) {
        // A value of the wrong type was dropped by the decoder and is already reported as such.
        const written = o.file.text.includes(`${JSON.stringify(a.name)}:`);
        if (!a.optional && !written) {
          out.push(diag('error', 'inventory/missing-mandatory', `${subject}: mandatory attribute ${a.name} (${a.kind}) is missing`, o.at(), { subject, key: a.name, hint: `add "${a.name}"` }));
        }
        continue;
      }
      for (const p of ruleProblems(a, v)) {
        out.push(diag('error', p.code.replace(/^value\//, 'inventory/'), `${subject}: ${p.message}`, o.at(a.name), { subject, key: a.name, ...(p.hint ? { hint: p.hint } : {}) }));
      }
    }
  }
  return out;
}

export function label(o: Located): string {
  return o.hfid ? `${o.object.kind} "${o.hfid.join(' / ')}"` : `${o.object.kind} ${o.object.id}`;
}
