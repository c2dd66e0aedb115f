import { relative } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.js';
import type { FileHost } from '../host.js';
import type { RawSchemaDocument, SchemaFile } from './raw.js';
import { parseYamlQuick } from '../yaml/quick.js';
import { YAML11 } from '../yaml/source.js';

export const YAML_EXTS = ['.yml', '.yaml'] as const;

/** Expand files and folders (folders recursively, .yml/.yaml, sorted) into a list of files. */
export function expandPaths(paths: readonly string[], host: FileHost, root: string): { files: string[]; diagnostics: Diagnostic[] } {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const p of paths) {
    if (host.isDirectory(p)) files.push(...host.listFiles(p, YAML_EXTS));
    else if (host.exists(p)) files.push(p);
    else diagnostics.push(diag('error', 'files/not-found', `${displayPath(p, root)}: no such file or folder`, { file: displayPath(p, root) }, { hint: 'check the path (relative to the catalog root)' }));
  }
  return { files: [...new Set(files)], diagnostics };
}

export function displayPath(abs: string, root: string): string {
  const rel = relative(root, abs);
  return rel === '' ? '.' : rel.startsWith('..') ? abs : rel;
}

/** Parse schema files; YAML errors become diagnostics and the file is skipped. */
export function readSchemaFiles(files: readonly string[], host: FileHost, root: string): { files: SchemaFile[]; diagnostics: Diagnostic[] } {
  const out: SchemaFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const source = parseYamlQuick(host.readText(f), displayPath(f, root), YAML11);
    diagnostics.push(...source.diagnostics);
    if (source.diagnostics.some((d) => d.severity === 'error')) continue;
    out.push({ source, doc: (source.value ?? {}) as RawSchemaDocument, builtin: false });
  }
  return { files: out, diagnostics };
}
