import type { Diagnostic } from '../core/diagnostics.js';

/**
 * Every JSON document svc prints goes through here, so each carries the same `format_version`
 * (raised only when a field is renamed, removed or changes meaning; new fields come within a
 * version). A top-level array (`svc list`, `svc request list`, `svc schema list`) cannot carry a
 * key and stays an array: wrapping it would break every script that iterates it.
 */
export const FORMAT_VERSION = 1;

/** `value` as one pretty-printed JSON document with `format_version` first, and a newline. */
export function jsonDocument(value: unknown): string {
  const doc = value !== null && typeof value === 'object' && !Array.isArray(value) ? { format_version: FORMAT_VERSION, ...value } : value;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Whether the command line asks for JSON output (`--format json` or `--format=json`), for errors raised before or while a command runs. */
export function wantsJson(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return false;
    if (argv[i] === '--format=json' || (argv[i] === '--format' && argv[i + 1] === 'json')) return true;
  }
  return false;
}

export interface JsonErrorInput {
  code: string;
  message: string;
  hint?: string | undefined;
  diagnostics?: readonly Diagnostic[];
}

/** The document an error prints on stderr under `--format json`; where it points is its first diagnostic's place. */
export function errorDocument(e: JsonErrorInput): string {
  const at = e.diagnostics?.find((d) => d.file !== undefined);
  return jsonDocument({
    error: {
      code: e.code,
      message: e.message,
      hint: e.hint ?? null,
      file: at?.file ?? null,
      line: at?.line ?? null,
      column: at?.column ?? null,
      ...(e.diagnostics?.length ? { diagnostics: e.diagnostics } : {}),
    },
  });
}
