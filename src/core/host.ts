/**
 * The file-system view the core reads through. The core never imports node:fs; commands hand it
 * `nodeFileHost` (src/adapters/fs.ts) and tests may hand it the same on a temporary folder.
 * Paths are absolute.
 */
export interface FileHost {
  readText(path: string): string;
  /** Many files' texts, in order: a host may read them on several threads (`svc validate`'s whole inventory). */
  readTexts?(paths: readonly string[]): string[];
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  /** Every file below `dir` whose name ends with one of `exts`, recursively, sorted by path. */
  listFiles(dir: string, exts: readonly string[]): string[];
}
