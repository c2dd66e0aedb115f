import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIndexFile, parseLsFiles, readIndexFile, type IndexSpans } from '../../src/adapters/git/index-file.js';
import { git, tempRepo, TEST_ENV, writeTree } from '../helpers/repo.js';

/** [path, blob id in hex] of every entry, as the spans say. */
function entries(x: IndexSpans): [string, string][] {
  const b = Buffer.from(x.bytes.buffer, x.bytes.byteOffset, x.bytes.byteLength);
  return Array.from({ length: x.count }, (_, i): [string, string] => [
    b.toString('utf8', x.spans[4 * i]!, x.spans[4 * i + 1]!),
    b.toString(x.hex ? 'latin1' : 'hex', x.spans[4 * i + 2]!, x.spans[4 * i + 3]!),
  ]);
}

const lsFiles = (dir: string) => entries(parseLsFiles(execFileSync('git', ['ls-files', '-s', '-z'], { cwd: dir, env: TEST_ENV })));
const direct = (dir: string) => readIndexFile(join(dir, '.git'), {});

describe("git's index file, read directly", () => {
  it('lists what git ls-files lists: stages of a conflict, intent-to-add, long and non-ASCII names, no gitlinks', () => {
    const dir = tempRepo({ 'a.txt': 'a\n', 'c.txt': 'base\n', 'dir/é ü.json': '{}\n', 'dir/sub/b.json': '{"b":1}\n' });
    // A conflict leaves stages 1 to 3 of c.txt.
    git(dir, 'checkout', '-q', '-b', 'other');
    writeTree(dir, { 'c.txt': 'other\n' });
    git(dir, 'add', 'c.txt');
    git(dir, 'commit', '-q', '-m', 'other');
    git(dir, 'checkout', '-q', 'main');
    writeTree(dir, { 'c.txt': 'main\n' });
    git(dir, 'add', 'c.txt');
    git(dir, 'commit', '-q', '-m', 'main');
    try {
      git(dir, 'merge', '-q', 'other');
    } catch {
      // The conflict is the point.
    }
    // Intent-to-add sets extended flags (index version 3); a name past 0xfff bytes; a gitlink.
    writeTree(dir, { 'later.json': '{}\n' });
    git(dir, 'add', '-N', 'later.json');
    const blob = git(dir, 'hash-object', '-w', 'a.txt').trim();
    const long = `${'d'.repeat(200)}/`.repeat(25) + 'x.json';
    git(dir, 'update-index', '--add', '--cacheinfo', `100644,${blob},${long}`);
    git(dir, 'update-index', '--add', '--cacheinfo', `160000,${blob},sub`);
    expect(readFileSync(join(dir, '.git/index')).readUInt32BE(4)).toBe(3);
    const listed = lsFiles(dir);
    expect(listed.filter(([p]) => p === 'c.txt')).toHaveLength(3);
    expect(listed.map(([p]) => p)).toContain(long);
    expect(listed.map(([p]) => p)).not.toContain('sub');
    const read = direct(dir);
    expect(read).toBeDefined();
    expect(entries(read!)).toEqual(listed);
  });

  it('reads an index of version 2 the same way', () => {
    const dir = tempRepo({ 'a.json': '{}\n', 'K/b.json': '{"x":1}\n' });
    expect(readFileSync(join(dir, '.git/index')).readUInt32BE(4)).toBe(2);
    expect(entries(direct(dir)!)).toEqual(lsFiles(dir));
  });

  it('leaves to git ls-files what it does not read: version 4, a split index, another index file, a damaged file', () => {
    const v4 = tempRepo({ 'a.json': '{}\n' });
    git(v4, 'update-index', '--index-version', '4');
    expect(direct(v4)).toBeUndefined();
    const split = tempRepo({ 'a.json': '{}\n' });
    git(split, 'update-index', '--split-index');
    expect(direct(split)).toBeUndefined();
    const other = tempRepo({ 'a.json': '{}\n' });
    expect(readIndexFile(join(other, '.git'), { GIT_INDEX_FILE: join(other, 'elsewhere') })).toBeUndefined();
    const bytes = readFileSync(join(other, '.git/index'));
    for (const damaged of [bytes.subarray(0, 40), Buffer.concat([bytes.subarray(0, 12), Buffer.alloc(30, 1), bytes.subarray(12)]), Buffer.from('DIRX')]) {
      expect(parseIndexFile(new Uint8Array(damaged))).toBeUndefined();
    }
    // Extra bytes at the end: not the checksum where it should be.
    writeFileSync(join(other, '.git/index'), Buffer.concat([bytes, Buffer.alloc(3)]));
    expect(direct(other)).toBeUndefined();
  });

  it("reads a linked worktree's own index", () => {
    const dir = tempRepo({ 'a.json': '{}\n', 'K/b.json': '{"x":1}\n' });
    const wt = join(dir, '..', `${dir.split('/').pop()}-wt`);
    git(dir, 'worktree', 'add', '-q', '-b', 'other', wt);
    try {
      writeTree(wt, { 'K/c.json': '{}\n' });
      git(wt, 'add', 'K/c.json');
      const gitDir = git(wt, 'rev-parse', '--absolute-git-dir').trim();
      expect(entries(readIndexFile(gitDir, {})!)).toEqual(lsFiles(wt));
      expect(lsFiles(wt).map(([p]) => p)).toContain('K/c.json');
    } finally {
      git(dir, 'worktree', 'remove', '--force', wt);
    }
  });

  it('an empty index where there is no index file yet', () => {
    const dir = tempRepo();
    expect(direct(dir)?.count).toBe(0);
    expect(lsFiles(dir)).toEqual([]);
  });
});
