import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitToRef } from '../../src/adapters/git/commit.js';
import { listBranches, trailerValue } from '../../src/adapters/git/read.js';
import { git, tempDir, tempRepo } from '../helpers/repo.js';
import { pinGitEnv, withoutIdentityEnv } from './env.js';

beforeAll(pinGitEnv);

const sha = (p: string) => createHash('sha1').update(readFileSync(p)).digest('hex');

/** Everything about the user's checkout that a commit to another branch must leave alone. */
function checkoutState(dir: string) {
  return {
    head: git(dir, 'rev-parse', 'HEAD'),
    branch: git(dir, 'symbolic-ref', 'HEAD'),
    status: git(dir, 'status', '--porcelain', '--untracked-files=all'),
    index: sha(join(dir, '.git/index')),
    files: Object.fromEntries(['a.txt', 'inv/x.yml', 'notes.txt'].map((f) => [f, readFileSync(join(dir, f), 'utf8')])),
  };
}

function repoWithWork(): string {
  const dir = tempRepo({ 'a.txt': 'one\n', 'inv/x.yml': 'x: 1\n', 'inv/y.yml': 'y: 1\n', 'notes.txt': 'n\n' });
  writeFileSync(join(dir, 'a.txt'), 'one\nuncommitted edit\n');
  writeFileSync(join(dir, 'notes.txt'), 'staged\n');
  git(dir, 'add', 'notes.txt');
  writeFileSync(join(dir, 'untracked.txt'), 'u\n');
  return dir;
}

const tmpLeft = (dir: string) => (existsSync(join(dir, '.git/svc/tmp')) ? readdirSync(join(dir, '.git/svc/tmp')) : []);

describe('commitToRef: a commit on a branch without a work tree', () => {
  it('writes the branch and leaves HEAD, index, files and uncommitted work exactly as they were', async () => {
    const dir = repoWithWork();
    const before = checkoutState(dir);
    const r = await commitToRef({
      repo: dir,
      base: 'main',
      changes: [
        { path: 'inv/x.yml', content: 'x: 2\n' },
        { path: 'inv/new/z.yml', content: 'z: 1\n' },
        { path: 'inv/y.yml', delete: true },
        { path: 'bin.dat', content: new Uint8Array([0, 1, 2, 255]) },
      ],
      message: 'Request r-1: create l2vpn',
      trailers: [
        ['Svc-Request', 'r-1'],
        ['Svc-Product', 'l2vpn'],
        ['Svc-Action', 'create'],
      ],
      ref: 'refs/heads/request/r-1',
      date: new Date('2026-03-01T12:00:00Z'),
    });
    expect(checkoutState(dir)).toEqual(before);
    expect(r.empty).toBe(false);
    expect(r.base).toBe(git(dir, 'rev-parse', 'main').trim());
    expect(git(dir, 'rev-parse', 'request/r-1').trim()).toBe(r.commit);
    expect(git(dir, 'ls-tree', '-r', '--name-only', 'request/r-1').split('\n').filter(Boolean)).toEqual(['a.txt', 'bin.dat', 'inv/new/z.yml', 'inv/x.yml', 'notes.txt']);
    expect(git(dir, 'show', 'request/r-1:inv/x.yml')).toBe('x: 2\n');
    expect(git(dir, 'show', 'request/r-1:a.txt')).toBe('one\n');
    expect(git(dir, 'log', '-1', '--format=%s|%P|%ct', 'request/r-1').trim()).toBe(`Request r-1: create l2vpn|${r.base}|${Date.parse('2026-03-01T12:00:00Z') / 1000}`);
    const [b] = await listBranches(dir, ['refs/heads/request/']);
    expect(b?.name).toBe('request/r-1');
    expect(trailerValue(b!.trailers, 'svc-action')).toBe('create');
    expect(b!.trailers.map((t) => t.key)).toEqual(['Svc-Request', 'Svc-Product', 'Svc-Action']);
    expect(tmpLeft(dir)).toEqual([]);
    expect(git(dir, 'fsck', '--no-dangling')).toBe('');
  });

  it("uses git's identity variables, then the repository user, and refuses without either, writing nothing", async () => {
    const dir = tempRepo({ 'a.txt': '1\n' });
    await commitToRef({ repo: dir, base: 'main', changes: [], message: 'm', ref: 'refs/heads/r0' });
    expect(git(dir, 'log', '-1', '--format=%an <%ae>', 'r0').trim()).toBe('Test Author <author@example.test>');
    await withoutIdentityEnv(async () => {
      const objects = git(dir, 'count-objects');
      const p = commitToRef({ repo: dir, base: 'main', changes: [{ path: 'b', content: 'b' }], message: 'm', ref: 'refs/heads/r1' });
      await expect(p).rejects.toMatchObject({ code: 'git/no-identity', exitCode: 2, hint: expect.stringContaining('git config --global user.name') });
      expect(git(dir, 'for-each-ref', 'refs/heads/r1')).toBe('');
      expect(git(dir, 'count-objects')).toBe(objects);
      git(dir, 'config', 'user.name', 'Ada');
      git(dir, 'config', 'user.email', 'ada@example.test');
      const r = await commitToRef({ repo: dir, base: 'main', changes: [], message: 'm', ref: 'refs/heads/r2' });
      expect(git(dir, 'log', '-1', '--format=%an <%ae>|%cn', 'r2').trim()).toBe('Ada <ada@example.test>|Ada');
      expect(r.empty).toBe(true);
    });
  });

  it('refuses an existing branch (compare-and-swap from nothing) and changes nothing', async () => {
    const dir = repoWithWork();
    git(dir, 'branch', 'request/r-1');
    const tip = git(dir, 'rev-parse', 'request/r-1');
    const objects = git(dir, 'count-objects');
    const p = commitToRef({ repo: dir, base: 'main', changes: [{ path: 'q', content: 'q' }], message: 'm', ref: 'refs/heads/request/r-1' });
    await expect(p).rejects.toMatchObject({ code: 'git/ref-exists', message: expect.stringContaining('request/r-1 already exists') });
    expect(git(dir, 'rev-parse', 'request/r-1')).toBe(tip);
    expect(git(dir, 'count-objects')).toBe(objects);
    expect(tmpLeft(dir)).toEqual([]);
  });

  it('refuses to move a ref that moved since it was read', async () => {
    const dir = tempRepo({ 'a.txt': '1\n' });
    const first = await commitToRef({ repo: dir, base: 'main', changes: [{ path: 'b', content: '1' }], message: 'one', ref: 'refs/heads/req' });
    const second = await commitToRef({ repo: dir, base: first.commit, changes: [{ path: 'b', content: '2' }], message: 'two', ref: 'refs/heads/req', expectedOld: first.commit });
    const stale = commitToRef({ repo: dir, base: first.commit, changes: [{ path: 'b', content: '3' }], message: 'three', ref: 'refs/heads/req', expectedOld: first.commit });
    await expect(stale).rejects.toMatchObject({ code: 'git/ref-moved', actual: second.commit });
    expect(git(dir, 'rev-parse', 'req').trim()).toBe(second.commit);
    expect(tmpLeft(dir)).toEqual([]);
  });

  it('refuses to move the checked-out branch under the user', async () => {
    const dir = repoWithWork();
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    const p = commitToRef({ repo: dir, base: 'main', changes: [{ path: 'q', content: 'q' }], message: 'm', ref: 'refs/heads/main', expectedOld: head });
    await expect(p).rejects.toMatchObject({ code: 'git/branch-checked-out' });
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(head);
  });

  it.each([
    ['a bad ref name', { ref: 'refs/heads/bad..name' }, 'git/bad-ref', 'invalid ref name'],
    ['a ref outside refs/', { ref: 'request/x' }, 'git/bad-ref', 'must start with refs/'],
    ['a path with ..', { changes: [{ path: '../evil', content: 'x' }] }, 'git/bad-path', 'component'],
    ['a path inside .git', { changes: [{ path: '.git/config', content: 'x' }] }, 'git/bad-path', 'inside .git'],
    ['a missing base', { base: 'no-such-branch' }, 'git/unknown-revision', 'not a commit'],
    ['a bad trailer', { trailers: [['Bad Key', 'v']] as const }, 'git/bad-trailer', 'invalid trailer key'],
    ['a file replacing a folder', { changes: [{ path: 'inv', content: 'x' }] }, 'git/bad-change', 'inv is a folder in the base'],
    ['a folder through a file', { changes: [{ path: 'a.txt/b', content: 'x' }] }, 'git/bad-change', 'a.txt is a file in the base'],
    ['the same path twice', { changes: [{ path: 'x', content: '1' }, { path: 'x', delete: true as const }] }, 'git/duplicate-path', 'changed twice'],
  ])('refuses %s with a clear error and creates nothing', async (_name, over, code, text) => {
    const dir = tempRepo({ 'a.txt': '1\n', 'inv/x.yml': 'x\n' });
    const refsBefore = git(dir, 'for-each-ref');
    const objectsBefore = git(dir, 'count-objects', '-v');
    const p = commitToRef({ repo: dir, base: 'main', changes: [{ path: 'ok', content: 'x' }], message: 'm', ref: 'refs/heads/request/ok', ...over });
    await expect(p).rejects.toMatchObject({ code, message: expect.stringContaining(text) });
    expect(git(dir, 'for-each-ref')).toBe(refsBefore);
    expect(git(dir, 'count-objects', '-v')).toBe(objectsBefore);
    expect(tmpLeft(dir)).toEqual([]);
  });

  it('keeps the executable bit and takes the date from GIT_COMMITTER_DATE when none is given', async () => {
    const dir = tempRepo({ 'a.txt': '1\n' });
    process.env.GIT_COMMITTER_DATE = '2026-02-03T04:05:06Z';
    try {
      await commitToRef({ repo: dir, base: 'main', changes: [{ path: 'run.sh', content: '#!/bin/sh\n', executable: true }], message: 'm', ref: 'refs/heads/x' });
    } finally {
      delete process.env.GIT_COMMITTER_DATE;
    }
    expect(git(dir, 'ls-tree', 'x', 'run.sh')).toMatch(/^100755 blob /);
    expect(git(dir, 'log', '-1', '--format=%cI', 'x').trim()).toBe('2026-02-03T04:05:06+00:00');
  });

  it('works in a bare repository, and says clearly when the folder is not a repository', async () => {
    const src = tempRepo({ 'a.txt': '1\n' });
    const bare = join(tempDir(), 'bare.git');
    git(src, 'clone', '-q', '--bare', src, bare);
    const r = await commitToRef({ repo: bare, base: 'main', changes: [{ path: 'b', content: '2' }], message: 'm', ref: 'refs/heads/req' });
    expect(git(bare, 'show', `${r.commit}:b`)).toBe('2');
    await expect(commitToRef({ repo: tempDir(), base: 'main', changes: [], message: 'm', ref: 'refs/heads/x' })).rejects.toMatchObject({ code: 'git/not-a-repository' });
  });

  it('makes a root commit when there is no base', async () => {
    const dir = tempRepo();
    const r = await commitToRef({ repo: dir, base: null, changes: [{ path: 'f', content: 'x' }], message: 'root', ref: 'refs/heads/main' });
    expect(r.base).toBeNull();
    expect(git(dir, 'log', '--format=%P', '-1', 'main').trim()).toBe('');
  });
});
