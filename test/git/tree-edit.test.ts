import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitToRef, type FileChange } from '../../src/adapters/git/commit.js';
import { git, TEST_ENV, tempDir, tempRepo } from '../helpers/repo.js';
import { pinGitEnv } from './env.js';

beforeAll(pinGitEnv);

/** The tree git itself builds for the same change (index, update-index, write-tree): the reference. */
function gitsOwnTree(dir: string, changes: FileChange[]): string {
  const env = { ...TEST_ENV, GIT_INDEX_FILE: join(tempDir(), 'index') };
  const run = (args: string[], input?: string) => execFileSync('git', args, { cwd: dir, env, input, encoding: 'utf8' });
  run(['read-tree', 'main']);
  const lines = changes.map((c) => {
    if ('delete' in c) return `0 ${'0'.repeat(40)}\t${c.path}`;
    const id = run(['hash-object', '-w', '--stdin'], String(c.content)).trim();
    return `100644 ${id}\t${c.path}`;
  });
  run(['update-index', '-z', '--index-info'], `${lines.join('\0')}\0`);
  return run(['write-tree']).trim();
}

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('editing trees in place', () => {
  // Names chosen for git's ordering traps: 'a.b' < 'a/' (folder) < 'a0', and multi-byte names.
  const names = ['a', 'a.b', 'a-b', 'a0', 'b', 'é', 'z~', 'A'];
  const base: Record<string, string> = {};
  for (const n of names) base[`dir/${n}.yml`] = `${n}\n`;
  base['a/x'] = 'x\n';
  base['a.b'] = 'ab\n';
  base['a0'] = 'a0\n';
  base['deep/1/2/3/f'] = 'f\n';

  it('gives exactly the tree git builds, over many random changes', async () => {
    const dir = tempRepo(base);
    const next = rng(7);
    const pool = [...Object.keys(base), ...names.map((n) => `new/${n}`), 'a/y', 'dir/zz.yml', 'deep/1/2/g', 'a.c', 'a/0', 'top'];
    for (let round = 0; round < 25; round++) {
      const picked = new Map<string, FileChange>();
      const count = 1 + Math.floor(next() * 6);
      for (let i = 0; i < count; i++) {
        const path = pool[Math.floor(next() * pool.length)]!;
        picked.set(path, next() < 0.3 ? { path, delete: true } : { path, content: `v${round}-${i}\n` });
      }
      const changes = [...picked.values()];
      const r = await commitToRef({ repo: dir, base: 'main', changes, message: `round ${round}`, ref: `refs/heads/t${round}` });
      expect(r.tree, `round ${round}: ${JSON.stringify(changes)}`).toBe(gitsOwnTree(dir, changes));
    }
    expect(git(dir, 'fsck', '--no-dangling')).toBe('');
  });

  it('a folder emptied by deletions disappears, and deleting everything leaves the empty tree', async () => {
    const dir = tempRepo({ 'x/only': '1\n', 'y': '2\n' });
    const r = await commitToRef({ repo: dir, base: 'main', changes: [{ path: 'x/only', delete: true }], message: 'm', ref: 'refs/heads/t1' });
    expect(git(dir, 'ls-tree', '-r', '--name-only', r.commit)).toBe('y\n');
    const e = await commitToRef({ repo: dir, base: 'main', changes: [{ path: 'x/only', delete: true }, { path: 'y', delete: true }], message: 'm', ref: 'refs/heads/t2' });
    expect(e.tree).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  });
});
