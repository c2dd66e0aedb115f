import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Creates svc's working folder (`.svc/`: the index and caches, all derived) with a .gitignore that ignores all of it. */
export function ensureSvcFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  // Ignored from inside too, so a catalog created anywhere never commits its index.
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
}
