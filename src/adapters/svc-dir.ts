import { existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';

/**
 * `.svc` must be a real folder of the catalog: a symbolic link there would make svc write its index
 * (and stage inventory files) wherever the link points.
 */
export function refuseLinkedSvcFolder(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (st.isSymbolicLink()) {
    throw new UsageError('fs/outside-catalog', `${dir} is a symbolic link: svc writes its index and staging there, and refuses to follow it out of the catalog`, {
      hint: `remove the link (rm ${dir}); svc makes the folder again on the next command (it holds only derived data)`,
    });
  }
  if (!st.isDirectory()) {
    throw new UsageError('fs/not-a-folder', `${dir} is not a folder: svc keeps its index and staging there`, { hint: `remove or rename that file (${dir}); svc makes the folder on the next command` });
  }
}

/** Creates svc's working folder (`.svc/`: the index and caches, all derived) with a .gitignore that ignores all of it. */
export function ensureSvcFolder(dir: string): void {
  refuseLinkedSvcFolder(dir);
  const made = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  // A catalog first used by this version has no older version's temporary files to look for.
  if (made) writeFileSync(join(dir, SWEPT), '');
  // Ignored from inside too, so a catalog created anywhere never commits its index.
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
}

/** Marks a catalog whose inventory needs no search for older svc versions' temporary files (svc-folder.ts). */
export const SWEPT = 'swept-temp-1';
