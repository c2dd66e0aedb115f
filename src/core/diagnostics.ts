/**
 * One finding about an input file. Every validator in svc returns these (never throws them one by one),
 * so a run can report every problem at once and fail once, after reporting all.
 */
export type Severity = 'error' | 'warning';

export interface SourceLocation {
  /** Path as the user would type it: relative to the catalog root when inside one. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `schema/unknown-peer`. Documented in the README. */
  code: string;
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
  /** The schema kind, product or object the finding is about, when there is one. */
  subject?: string;
  /** The key (dotted path) inside the subject. */
  key?: string;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

export function diag(
  severity: Severity,
  code: string,
  message: string,
  where?: Partial<SourceLocation> | undefined,
  extra: Partial<Pick<Diagnostic, 'hint' | 'subject' | 'key'>> = {},
): Diagnostic {
  const d: Diagnostic = { severity, code, message };
  if (where?.file !== undefined) d.file = where.file;
  if (where?.line !== undefined) d.line = where.line;
  if (where?.column !== undefined) d.column = where.column;
  if (extra.subject !== undefined) d.subject = extra.subject;
  if (extra.key !== undefined) d.key = extra.key;
  if (extra.hint !== undefined) d.hint = extra.hint;
  return d;
}

/** Deterministic order: by file, line, column, then code, so output never depends on traversal order. */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/**
 * Strict mode (`svc validate --strict`, `strict: true` in .orchestrator.yml): every warning is an
 * error. Done here, on severity alone, so that any warning any stage adds follows without knowing of
 * it. The code stays, so a team can still tell which finding it is.
 */
export function strictly(diags: readonly Diagnostic[], strict: boolean | undefined): Diagnostic[] {
  if (!strict) return [...diags];
  return diags.map((d) =>
    d.severity === 'warning' ? { ...d, severity: 'error', hint: d.hint ? `${d.hint} (an error in strict mode)` : 'an error in strict mode' } : d,
  );
}
