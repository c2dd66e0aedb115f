import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverTransactions } from '../../src/adapters/txn/journal.js';
import { PROJECT_ROOT, tempDir, writeTree } from '../helpers/repo.js';

/** Every file and folder under `dir` (folders end in /), with contents. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const rel = join(e.parentPath, e.name).slice(dir.length + 1);
    if (rel === '.svc' || rel.startsWith('.svc/')) continue;
    out[e.isDirectory() ? `${rel}/` : rel] = e.isDirectory() ? '' : readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

const BEFORE = { 'inventory/a/x.json': 'x1\n', 'inventory/a/y.json': 'y\n', 'inventory/b/z.json': 'z\n' };

/** One transaction in a child process (the built module, as svc runs it): rewrite, add in a new folder, delete two (one empties its folder). */
function runTransaction(root: string, killAt?: string) {
  const script = `
    const { commitFiles } = await import(${JSON.stringify(join(PROJECT_ROOT, 'dist/adapters/txn/journal.js'))});
    commitFiles({ root: ${JSON.stringify(root)}, base: ${JSON.stringify(join(root, 'inventory'))}, pruneEmpty: true },
      [{ path: 'a/x.json', text: 'x2\\n' }, { path: 'c/d/new.json', text: 'new\\n' }], ['a/y.json', 'b/z.json']);`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...(killAt ? { SVC_TEST_KILL_AT: killAt } : {}) }, encoding: 'utf8' });
}

describe('the write journal, killed at each step of a transaction with writes, new folders and deletes', () => {
  const after = (() => {
    const root = tempDir();
    writeTree(root, BEFORE);
    const r = runTransaction(root);
    if (r.status !== 0) throw new Error(r.stderr);
    return tree(root);
  })();

  it('runs whole: new content, a new folder, deletes, and the emptied folder removed', () => {
    expect(after).toEqual({ 'inventory/': '', 'inventory/a/': '', 'inventory/a/x.json': 'x2\n', 'inventory/c/': '', 'inventory/c/d/': '', 'inventory/c/d/new.json': 'new\n' });
  });

  const steps: [string, 'before' | 'after'][] = [
    ['stage:1', 'before'], ['stage:2', 'before'], ['commit:1', 'before'],
    ['committed:1', 'after'], ['apply:1', 'after'], ['apply:2', 'after'], ['apply:3', 'after'], ['apply:4', 'after'], ['cleanup:1', 'after'],
  ];
  it.each(steps)('killed at %s, the next command finds it as %s (folders too), and no staging remains', (spec, state) => {
    const root = tempDir();
    writeTree(root, BEFORE);
    const before = tree(root);
    const r = runTransaction(root, spec);
    expect(r.signal, r.stderr).toBe('SIGKILL');
    const done = recoverTransactions(root);
    expect(done).toEqual(state === 'before' ? { forward: 0, back: 1 } : { forward: 1, back: 0 });
    expect(tree(root)).toEqual(state === 'before' ? before : after);
    expect(readdirSync(join(root, '.svc/txn'))).toEqual([]);
    expect(existsSync(join(root, 'inventory/c')) === (state === 'after')).toBe(true);
  });
});
