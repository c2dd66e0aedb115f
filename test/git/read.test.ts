import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitToRef } from '../../src/adapters/git/commit.js';
import { defaultBranch, diffTrees, isMerged, listBranches, listTree, mergeBase, readBlobs, revParse, treeIdAt, workTreeChanges } from '../../src/adapters/git/read.js';
import { deleteRef, fetchRef, pushRef } from '../../src/adapters/git/refs.js';
import { changedBetween } from '../../src/adapters/index/gitstate.js';
import { git, tempDir, tempRepo } from '../helpers/repo.js';
import { pinGitEnv } from './env.js';

beforeAll(pinGitEnv);

describe('reading revisions without a checkout', () => {
  it('reads many blobs through one cat-file, binary and missing ones included', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`inv/o${String(i).padStart(3, '0')}.yml`] = `n: ${i}\n`;
    const dir = tempRepo(files);
    await commitToRef({ repo: dir, base: 'main', changes: [{ path: 'bin', content: new Uint8Array([0, 10, 255, 10]) }], message: 'b', ref: 'refs/heads/b' });
    const paths = [...Object.keys(files), 'missing.yml'];
    const got = await readBlobs(dir, 'main', paths);
    expect(got.size).toBe(301);
    expect(got.get('inv/o123.yml')?.toString()).toBe('n: 123\n');
    expect(got.get('missing.yml')).toBeNull();
    expect([...(await readBlobs(dir, 'b', ['bin'])).get('bin')!]).toEqual([0, 10, 255, 10]);
  });

  it('reads a blob far larger than one pipe chunk, between small ones', async () => {
    const big = 'x'.repeat(3_000_000) + '\nend\n';
    const dir = tempRepo({ 'a': 'a\n', 'big': big, 'z': 'z\n' });
    const got = await readBlobs(dir, 'main', ['a', 'big', 'z']);
    expect(got.get('big')?.toString()).toBe(big);
    expect([got.get('a')?.toString(), got.get('z')?.toString()]).toEqual(['a\n', 'z\n']);
  });

  it('lists a tree, resolves tree ids and diffs two trees with renames off', async () => {
    const dir = tempRepo({ 'inv/a.yml': 'a\n', 'inv/b.yml': 'b\n', 'other/c': 'c\n' });
    const r = await commitToRef({
      repo: dir,
      base: 'main',
      changes: [
        { path: 'inv/a.yml', content: 'a2\n' },
        { path: 'inv/b.yml', delete: true },
        { path: 'inv/b2.yml', content: 'b\n' },
        { path: 'other/c', content: 'c2\n' },
      ],
      message: 'change',
      ref: 'refs/heads/req',
    });
    expect((await listTree(dir, 'main', 'inv')).map((f) => f.path)).toEqual(['inv/a.yml', 'inv/b.yml']);
    expect((await listTree(dir, 'req')).map((f) => f.path)).toEqual(['inv/a.yml', 'inv/b2.yml', 'other/c']);
    expect(await treeIdAt(dir, 'main', 'inv')).toBe(git(dir, 'rev-parse', 'main:inv').trim());
    expect(await treeIdAt(dir, 'main', 'nope')).toBeNull();
    expect(await diffTrees(dir, 'main', r.commit, 'inv')).toEqual([
      { status: 'M', path: 'inv/a.yml' },
      { status: 'D', path: 'inv/b.yml' },
      { status: 'A', path: 'inv/b2.yml' },
    ]);
    expect(await mergeBase(dir, 'main', 'req')).toBe(r.base);
    expect(await isMerged(dir, 'req', 'main')).toBe(false);
    expect(await isMerged(dir, 'main', 'req')).toBe(true);
    expect(await revParse(dir, '--help')).toBeNull();
  });

  it('compares two trees without reading git\'s index (diff-tree would read all of it, for nothing)', async () => {
    const dir = tempRepo({ 'inv/a.yml': 'a\n', 'inv/b.yml': 'b\n' });
    writeFileSync(join(dir, 'inv/a.yml'), 'a2\n');
    git(dir, 'commit', '-q', '-am', 'edit');
    // An index git cannot read: a diff-tree that read it would die.
    writeFileSync(join(dir, '.git/index'), 'not an index');
    expect(() => git(dir, 'diff-tree', '-r', '--name-only', 'HEAD~1', 'HEAD')).toThrow(/index/);
    expect(await diffTrees(dir, 'HEAD~1', 'HEAD')).toEqual([{ status: 'M', path: 'inv/a.yml' }]);
    const view = { top: dir, prefix: 'inv', gitDir: join(dir, '.git'), format: 'sha1' as const };
    expect(changedBetween(view, git(dir, 'rev-parse', 'HEAD~1:inv').trim(), git(dir, 'rev-parse', 'HEAD:inv').trim())).toEqual(['a.yml']);
  });

  it('lists uncommitted changes under a path, untracked files included', async () => {
    const dir = tempRepo({ 'inv/a.yml': 'a\n', 'inv/b.yml': 'b\n', 'x.txt': 'x\n' });
    writeFileSync(join(dir, 'inv/a.yml'), 'changed\n');
    git(dir, 'mv', 'inv/b.yml', 'inv/c.yml');
    writeFileSync(join(dir, 'inv/new.yml'), 'n\n');
    writeFileSync(join(dir, 'x.txt'), 'outside\n');
    expect(await workTreeChanges(dir, 'inv')).toEqual([
      { index: ' ', workTree: 'M', path: 'inv/a.yml' },
      { index: 'D', workTree: ' ', path: 'inv/b.yml' },
      { index: 'A', workTree: ' ', path: 'inv/c.yml' },
      { index: '?', workTree: '?', path: 'inv/new.yml' },
    ]);
  });

  it('finds the default branch: origin/HEAD, else main or master, else the current branch', async () => {
    const dir = tempRepo({ 'a': '1' });
    expect(await defaultBranch(dir)).toEqual({ name: 'main', ref: 'refs/heads/main', source: 'main' });
    const other = tempRepo({ 'a': '1' });
    git(other, 'branch', '-m', 'main', 'trunk');
    expect(await defaultBranch(other)).toEqual({ name: 'trunk', ref: 'refs/heads/trunk', source: 'current' });
    const clone = join(tempDir(), 'clone');
    git(tempDir(), 'clone', '-q', other, clone);
    git(clone, 'switch', '-q', '-c', 'feature');
    expect(await defaultBranch(clone)).toEqual({ name: 'trunk', ref: 'refs/heads/trunk', source: 'remote-head' });
  });

  it('lists request branches with their trailers, sorted', async () => {
    const dir = tempRepo({ 'a': '1' });
    for (const id of ['r-2', 'r-1']) {
      await commitToRef({ repo: dir, base: 'main', changes: [], message: `Request ${id}`, trailers: [['Svc-Request', id], ['Svc-Product', 'vpn']], ref: `refs/heads/request/${id}` });
    }
    const list = await listBranches(dir, ['refs/heads/request/']);
    expect(list.map((b) => [b.name, b.trailers])).toEqual([
      ['request/r-1', [{ key: 'Svc-Request', value: 'r-1' }, { key: 'Svc-Product', value: 'vpn' }]],
      ['request/r-2', [{ key: 'Svc-Request', value: 'r-2' }, { key: 'Svc-Product', value: 'vpn' }]],
    ]);
  });
});

describe('ref updates and the remote', () => {
  it('deletes a branch only if it still points where expected', async () => {
    const dir = tempRepo({ 'a': '1' });
    const r = await commitToRef({ repo: dir, base: 'main', changes: [], message: 'm', ref: 'refs/heads/req' });
    const main = git(dir, 'rev-parse', 'main').trim();
    await expect(deleteRef(dir, 'refs/heads/req', main)).rejects.toMatchObject({ code: 'git/ref-moved', message: expect.stringContaining('not deleted') });
    expect(git(dir, 'rev-parse', 'req').trim()).toBe(r.commit);
    await expect(deleteRef(dir, 'refs/heads/main', main)).rejects.toMatchObject({ code: 'git/branch-checked-out' });
    await deleteRef(dir, 'refs/heads/req', r.commit);
    expect(git(dir, 'branch', '--list', 'req')).toBe('');
  });

  it('pushes with an expected old value, fetches one ref, and says when the remote is unreachable', async () => {
    const bare = join(tempDir(), 'remote.git');
    git(tempDir(), 'init', '-q', '--bare', bare);
    const a = tempRepo({ 'a': '1' });
    git(a, 'remote', 'add', 'origin', bare);
    const c1 = (await commitToRef({ repo: a, base: 'main', changes: [{ path: 'x', content: '1' }], message: 'one', ref: 'refs/heads/req' })).commit;
    expect(await pushRef(a, 'origin', c1, 'refs/heads/req', null)).toEqual({ status: 'ok' });
    // A second "create" must not overwrite what is there now.
    const c2 = (await commitToRef({ repo: a, base: 'main', changes: [{ path: 'x', content: '2' }], message: 'two', ref: 'refs/heads/other' })).commit;
    expect(await pushRef(a, 'origin', c2, 'refs/heads/req', null)).toMatchObject({ status: 'rejected' });
    expect(await pushRef(a, 'origin', c2, 'refs/heads/req', c2)).toMatchObject({ status: 'rejected' });
    expect(git(bare, 'rev-parse', 'refs/heads/req').trim()).toBe(c1);
    expect(await pushRef(a, 'origin', c2, 'refs/heads/req', c1)).toEqual({ status: 'ok' });
    expect(git(bare, 'rev-parse', 'refs/heads/req').trim()).toBe(c2);

    expect(await fetchRef(a, 'origin', 'refs/heads/req', 'refs/svc/test/req')).toEqual({ status: 'ok', value: c2 });
    expect(await fetchRef(a, 'origin', 'refs/heads/none', 'refs/svc/test/none')).toEqual({ status: 'missing' });
    git(a, 'remote', 'add', 'gone', join(tempDir(), 'no-such-repo.git'));
    expect(await fetchRef(a, 'gone', 'refs/heads/req', 'refs/svc/test/gone')).toMatchObject({ status: 'unreachable' });
    expect(await pushRef(a, 'gone', c2, 'refs/heads/req', null)).toMatchObject({ status: 'unreachable' });
  });
});
