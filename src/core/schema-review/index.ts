import { diag, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { SchemaSet } from '../schema/model.js';
import { checkData, type Finding } from './data.js';
import { diffSchemas } from './diff.js';
import type { ReviewInventory, SchemaChange, SchemaReview } from './model.js';

export type { ChangeAction, ReviewInventory, ReviewObject, SchemaChange, SchemaReview } from './model.js';
export type { Finding } from './data.js';

export interface ReviewResult extends SchemaReview {
  findings: Finding[];
}

/**
 * Base schema + new schema + the inventory → the review: every change classed, every breaking one
 * checked against the objects it reaches. Pure: the caller reads the base revision and the files.
 */
export function reviewSchemas(before: SchemaSet, after: SchemaSet, inv: ReviewInventory, base: string): ReviewResult {
  const changes = diffSchemas(before, after);
  const findings = checkData(changes, before, after, inv);
  const diagnostics: Diagnostic[] = findings.map((f) => findingDiagnostic(f, base));
  for (const c of changes) {
    if (c.action !== 'not_supported') continue;
    diagnostics.push(diag('error', 'review/not-supported', `${changeLabel(c)}: Infrahub does not support changing ${c.property ?? 'this'} (${JSON.stringify(c.before ?? null)} → ${JSON.stringify(c.after ?? null)})`, where(c), {
      subject: c.kind,
      ...(c.name ? { key: c.name } : {}),
      hint: 'keep the old value; to change it, add a new kind or attribute and move the data',
    }));
  }
  return { changes, findings, diagnostics: sortDiagnostics(diagnostics) };
}

/** `DcimDevice.role choices`, `DcimDevice` ... as people read a change. */
export function changeLabel(c: SchemaChange): string {
  return `${c.kind}${c.name ? `.${c.name}` : ''}${c.property ? ` ${c.property}` : ''}`;
}

function where(c: SchemaChange): { file?: string; line?: number; column?: number } {
  return { ...(c.file ? { file: c.file } : {}), ...(c.line ? { line: c.line } : {}), ...(c.column ? { column: c.column } : {}) };
}

function findingDiagnostic(f: Finding, base: string): Diagnostic {
  const n = f.count;
  const more = n > f.objects.length ? ` and ${n - f.objects.length} more` : '';
  const at = f.change.atBase ? ` (as it was in ${base})` : '';
  return diag('error', f.code, `${f.message}${at}: ${n} object${n === 1 ? '' : 's'} (${f.objects.join(', ')}${more})`, where(f.change), {
    subject: f.change.kind,
    ...(f.change.name ? { key: f.change.name } : {}),
    hint: f.hint,
  });
}

const ACTION_TEXT: Record<SchemaChange['action'], string> = {
  allowed: 'allowed',
  migration_required: 'needs migration',
  validate_constraint: 'validated against data',
  not_supported: 'not supported',
};

/** One line per change for people: what changed, how Infrahub classes it, and where. */
export function describeChange(c: SchemaChange): string {
  const what = c.change === 'updated' ? `${shown(c.property, c.before)} → ${shown(c.property, c.after)}` : c.change;
  const place = c.file ? `  ${c.file}${c.line ? `:${c.line}:${c.column ?? 1}` : ''}${c.atBase ? ' (base)' : ''}` : '';
  return `${ACTION_TEXT[c.action]}: ${c.element} ${changeLabel(c)} ${what}${place}`;
}

/** Choices by their names: labels and colours would drown the change in a one-line summary. */
function shown(property: string | undefined, v: unknown): string {
  if (property === 'choices' && Array.isArray(v)) return `[${v.map((x) => (typeof x === 'object' && x !== null && 'name' in x ? String((x as { name: unknown }).name) : JSON.stringify(x))).join(', ')}]`;
  return JSON.stringify(v ?? null);
}
