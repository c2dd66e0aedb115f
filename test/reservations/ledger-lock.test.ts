import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoPaths } from '../../src/adapters/git/commit.js';
import { withLedgerLock } from '../../src/adapters/git/ledger-lock.js';
import { git, TEST_ENV, tempDir, tempRepo } from '../helpers/repo.js';

const HOLDER = fileURLToPath(new URL('./fixtures/hold-lock.mjs', import.meta.url));

/** Another process that takes the lock and keeps it; resolves once it holds it. */
function holder(commonDir: string, mode: 'forever' | 'release' = 'forever'): Promise<ChildProcessWithoutNullStreams> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [HOLDER, commonDir, mode], { env: TEST_ENV });
    let out = '';
    p.stdout.on('data', (b: Buffer) => {
      out += b;
      if (out === 'held\n') resolve(p);
      else if (out.includes('\n')) reject(new Error(`holder: ${out}`));
    });
    p.on('error', reject);
  });
}

const exited = (p: ChildProcessWithoutNullStreams) => new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));

describe('the ledger lock', () => {
  it('is one holder at a time: another process waits for it, and gets it once the holder is done', async () => {
    const dir = tempDir();
    const other = await holder(dir, 'release');
    // Busy: a short wait ends without it (the caller then goes on with compare-and-swap alone).
    expect(await withLedgerLock(dir, async (locked) => locked, { waitMs: 200 })).toBe(false);
    const waiting = withLedgerLock(dir, async (locked) => locked);
    other.stdin.write('done\n');
    expect(await waiting).toBe(true);
    await exited(other);
  });

  it('is released when its holder is killed with SIGKILL: nothing is left for the next run to clear', async () => {
    const dir = tempDir();
    const other = await holder(dir);
    expect(await withLedgerLock(dir, async (locked) => locked, { waitMs: 100 })).toBe(false);
    other.kill('SIGKILL');
    await exited(other);
    expect(await withLedgerLock(dir, async (locked) => locked, { waitMs: 100 })).toBe(true);
  });

  it('a nested update in the same process runs as part of the outer one, without waiting for itself', async () => {
    const dir = tempDir();
    const inner = await withLedgerLock(dir, () => withLedgerLock(dir, async (locked) => locked, { waitMs: 0 }));
    expect(inner).toBe(true);
  });

  it('where it cannot be taken (no folder can be made for it), the work runs without it', async () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, '');
    expect(await withLedgerLock(join(file, 'git'), async (locked) => locked)).toBe(false);
  });
});

describe('where the lock lives', () => {
  it('in git common folder: a linked worktree and its main repository share it; a bare repository has its own', async () => {
    const dir = tempRepo({ a: '1' });
    const wt = join(tempDir(), 'wt');
    git(dir, 'worktree', 'add', '-q', wt);
    const main = await repoPaths(dir);
    const linked = await repoPaths(join(wt));
    expect(main.commonDir).toBe(join(dir, '.git'));
    expect(linked.commonDir).toBe(main.commonDir);
    expect(linked.gitDir).not.toBe(main.gitDir);
    const bare = join(tempDir(), 'b.git');
    git(tempDir(), 'clone', '-q', '--bare', dir, bare);
    expect(await repoPaths(bare)).toMatchObject({ bare: true, gitDir: bare, commonDir: bare, root: bare });
    // Taken from the worktree, it is busy for the main repository.
    const other = await holder(linked.commonDir);
    expect(await withLedgerLock(main.commonDir, async (locked) => locked, { waitMs: 100 })).toBe(false);
    other.kill('SIGKILL');
    await exited(other);
  });
});
