import type { ChalkInstance } from 'chalk';
import { sortDiagnostics, type Diagnostic } from '../../core/diagnostics.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';

/** `file:line:col: error[code]: message` + an indented hint: the shape compilers use, clickable in editors. */
export function renderDiagnosticsText(diags: Diagnostic[], c: ChalkInstance): string {
  let out = '';
  for (const d of sortDiagnostics(diags)) {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: ` : '';
    const sev = d.severity === 'error' ? c.red.bold('error') : c.yellow.bold('warning');
    out += `${c.bold(where)}${sev}${c.dim(`[${d.code}]`)}: ${d.message}\n`;
    if (d.hint) out += `  ${c.cyan('hint')}: ${d.hint}\n`;
  }
  return out;
}

/** GitHub Actions workflow commands: each finding shows inline on the pull request. */
export function renderDiagnosticsGithub(diags: Diagnostic[]): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  let out = '';
  for (const d of sortDiagnostics(diags)) {
    const props = [
      d.file ? `file=${prop(d.file)}` : undefined,
      d.line ? `line=${d.line}` : undefined,
      d.column ? `col=${d.column}` : undefined,
      `title=${prop(d.code)}`,
    ].filter(Boolean);
    out += `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${esc(d.message + (d.hint ? ` (hint: ${d.hint})` : ''))}\n`;
  }
  return out;
}

export function summaryLine(diags: Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
