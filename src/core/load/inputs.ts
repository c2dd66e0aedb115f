import { resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { FileHost } from '../host.js';
import { displayPath, expandPaths } from '../schema/load.js';
import type { LoadInput } from './types.js';

/** `svc load a.yml dir/`: files as given, folders recursively (.yml/.yaml), each read once, named relative to the catalog. */
export function readLoadInputs(paths: readonly string[], cwd: string, host: FileHost, root: string): { inputs: LoadInput[]; diagnostics: Diagnostic[] } {
  const expanded = expandPaths(paths.map((p) => resolve(cwd, p)), host, root);
  const inputs = expanded.files.map((f) => ({ file: displayPath(f, root), text: host.readText(f) }));
  return { inputs, diagnostics: expanded.diagnostics };
}
