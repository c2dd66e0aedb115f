import { SvcError } from '../core/errors.js';

/**
 * Failures that come from the machine, not from svc or its input: no permission, a read-only or full
 * file system, the file size limit (`ulimit -f`: EFBIG, as Node ignores SIGXFSZ), a file where a
 * folder must be. Each becomes an error with its own code, the path and what to do (exit 2) instead
 * of "internal error". A change of several files is undone or finished by the next command
 * (docs/atomicity.md), so "nothing was written" holds for every one of them.
 */
interface ErrnoLike {
  code?: unknown;
  path?: unknown;
  dest?: unknown;
  syscall?: unknown;
  message?: unknown;
}

const AGAIN = 'nothing was changed (a half-made change is finished or undone by the next svc command); run the command again once that is fixed';

export function environmentError(e: unknown): SvcError | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const err = e as ErrnoLike;
  const code = typeof err.code === 'string' ? err.code : '';
  const path = typeof err.path === 'string' ? err.path : undefined;
  const where = path ?? 'a file';
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new SvcError('fs/permission-denied', `cannot ${verb(err)} ${where}: permission denied`, { hint: `make it (and its folder) writable for this user: ls -ld ${path ?? '<path>'}; ${AGAIN}`, cause: e });
    case 'EROFS':
      return new SvcError('fs/permission-denied', `cannot ${verb(err)} ${where}: the file system is read-only`, { hint: `run svc on a writable copy of the catalog; ${AGAIN}`, cause: e });
    case 'ENOSPC':
    case 'EDQUOT':
      return new SvcError('fs/no-space', `cannot write ${where}: no space left on the device${code === 'EDQUOT' ? ' (disk quota)' : ''}`, { hint: `free some space (df -h ${path ?? '.'}); ${AGAIN}`, cause: e });
    case 'EFBIG':
      return new SvcError('fs/no-space', `cannot write ${where}: the file would pass the file size limit`, { hint: `raise the limit (ulimit -f unlimited) or free space; ${AGAIN}`, cause: e });
    case 'ENOTDIR':
      return new SvcError('fs/not-a-folder', `cannot ${verb(err)} ${where}: a file is where a folder must be`, { hint: `move that file away; ${AGAIN}`, cause: e });
    case 'EMFILE':
    case 'ENFILE':
      return new SvcError('fs/too-many-open-files', 'the system ran out of open files', { hint: `raise the limit (ulimit -n) or close other programs; ${AGAIN}`, cause: e });
    case 'EIO':
      return new SvcError('fs/io-error', `the device failed reading or writing ${where}`, { hint: `check the disk (dmesg); ${AGAIN}`, cause: e });
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DIRECTORY':
    case 'SQLITE_READONLY_DBMOVED':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return new SvcError('fs/permission-denied', `cannot write the inventory index in .svc/: ${String(err.message)}`, { hint: `make .svc and its files writable for this user (ls -ld .svc .svc/*); ${AGAIN}`, cause: e });
    case 'SQLITE_FULL':
      return new SvcError('fs/no-space', `cannot write the inventory index in .svc/: ${String(err.message)}`, { hint: `free some space (df -h .svc) or raise the file size limit (ulimit -f); ${AGAIN}`, cause: e });
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new SvcError('fs/io-error', `cannot write the inventory index in .svc/: ${String(err.message)} (${code})`, { hint: `a full disk, a file size limit (ulimit -f) or a failing device: check df -h .svc; ${AGAIN}`, cause: e });
  }
  return undefined;
}

function verb(err: ErrnoLike): string {
  switch (err.syscall) {
    case 'open':
      return 'open';
    case 'mkdir':
      return 'make the folder';
    case 'rename':
      return `move a file to ${typeof err.dest === 'string' ? err.dest : 'its place'}, from`;
    case 'unlink':
    case 'rmdir':
      return 'remove';
    case 'scandir':
    case 'read':
      return 'read';
    default:
      return 'write';
  }
}

/** What git's message says about the machine, or undefined: permission, a read-only or full disk. */
export function gitEnvironmentProblem(stderr: string, signal?: string | null): { code: string; hint: string } | undefined {
  if (signal === 'SIGXFSZ' || /File too large/i.test(stderr)) return { code: 'fs/no-space', hint: `git passed the file size limit: raise it (ulimit -f unlimited); ${AGAIN}` };
  if (/No space left on device|Disk quota exceeded/i.test(stderr)) return { code: 'fs/no-space', hint: `free some space (df -h .git); ${AGAIN}` };
  if (/Read-only file system/i.test(stderr)) return { code: 'fs/permission-denied', hint: `the repository is on a read-only file system: work in a writable clone; ${AGAIN}` };
  if (/Permission denied|insufficient permission|unable to create temporary|Operation not permitted/i.test(stderr)) {
    return { code: 'fs/permission-denied', hint: `git may not write in .git: make it writable for this user (ls -ld .git .git/objects .git/refs); ${AGAIN}` };
  }
  return undefined;
}

/** Run `write`; an errno error it throws without a path (a write to an open file) gets `path`. */
export function naming<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (typeof e === 'object' && e !== null && typeof (e as ErrnoLike).code === 'string' && (e as ErrnoLike).path === undefined) (e as ErrnoLike).path = path;
    throw e;
  }
}
