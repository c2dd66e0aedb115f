import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RefConflictError } from '../../src/adapters/git/errors.js';
import { compareAndSwapRef } from '../../src/adapters/git/refs.js';
import { GitError } from '../../src/core/errors.js';
import { git, tempRepo } from '../helpers/repo.js';
import { pinGitEnv } from './env.js';

beforeAll(pinGitEnv);

const head = (dir: string) => git(dir, 'rev-parse', 'HEAD').trim();

describe('compareAndSwapRef: why an update was refused', () => {
  it('another process holding the lock is a conflict to retry, the ref left as it was', async () => {
    const dir = tempRepo({ 'a.txt': 'a\n' });
    git(dir, 'update-ref', 'refs/svc/x', head(dir));
    writeFileSync(join(dir, '.git', 'refs', 'svc', 'x.lock'), '');
    const err = await compareAndSwapRef(dir, 'refs/svc/x', head(dir), head(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefConflictError);
    expect((err as RefConflictError).actual).toBe(head(dir));
  });

  it('git refusing (a hook) is a plain git error with its reason, not a conflict that retrying would fix', async () => {
    const dir = tempRepo({ 'a.txt': 'a\n' });
    writeFileSync(join(dir, '.git', 'hooks', 'reference-transaction'), '#!/bin/sh\n[ "$1" = prepared ] || exit 0\necho "frozen by policy" >&2\nexit 1\n', { mode: 0o755 });
    const err = await compareAndSwapRef(dir, 'refs/svc/x', head(dir), null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err).not.toBeInstanceOf(RefConflictError);
    expect((err as GitError).message).toMatch(/git refused to update refs\/svc\/x: .*frozen by policy/s);
    expect(git(dir, 'for-each-ref', 'refs/svc/').trim()).toBe('');
  });
});
