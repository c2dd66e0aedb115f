import { diag, type Diagnostic } from '../diagnostics.js';
import { ValidationError } from '../errors.js';

/** What a check returns: a list of findings (an empty list, null or nothing: all is well). */
export interface Finding {
  severity: 'error' | 'warning';
  message: string;
  /** The object the finding is about: its id, or an object of the query's result with an `id`. */
  object?: string | { id?: unknown };
}

export interface FindingContext {
  check: string;
  /** The check's module, as the user names it: where a finding about no object points. */
  file: string;
  /** The target the check ran for, when it has targets. */
  target?: string;
  /** The inventory file of an object id, relative to the catalog root; undefined when unknown. */
  fileOf: (id: string) => string | undefined;
}

/**
 * A check's return value as diagnostics coded `check/<name>`, each pointing at the inventory file
 * of its object (so GitHub annotates that file), else at the check's module. Anything that is not a
 * list of findings is the check's bug: refused with what was wrong, at which index.
 */
export function findingsToDiagnostics(value: unknown, ctx: FindingContext): Diagnostic[] {
  if (value === null || value === undefined) return [];
  const bad = (what: string) =>
    new ValidationError('checks/bad-findings', `check ${ctx.check}${ctx.target !== undefined ? ` (target ${ctx.target})` : ''} returned ${what}`, {
      hint: "check(data) returns a list of { severity: 'error' | 'warning', message, object? } (an empty list when all is well)",
      diagnostics: [diag('error', 'checks/bad-findings', `returned ${what}`, { file: ctx.file })],
    });
  if (!Array.isArray(value)) throw bad(`${typeof value === "object" ? "an object" : `a ${typeof value}`}, not a list of findings`);
  return value.map((f: unknown, i) => {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) throw bad(`a finding at index ${i} that is not an object`);
    const { severity, message, object } = f as Record<string, unknown>;
    if (severity !== 'error' && severity !== 'warning') throw bad(`a finding at index ${i} whose severity is ${JSON.stringify(severity)} (expected "error" or "warning")`);
    if (typeof message !== 'string' || message === '') throw bad(`a finding at index ${i} with no message`);
    const id = typeof object === 'string' ? object : object !== null && typeof object === 'object' && typeof (object as { id?: unknown }).id === 'string' ? (object as { id: string }).id : undefined;
    const file = id === undefined ? undefined : ctx.fileOf(id);
    const subject = id ?? ctx.target;
    return diag(severity, `check/${ctx.check}`, message, { file: file ?? ctx.file }, subject !== undefined ? { subject } : {});
  });
}
