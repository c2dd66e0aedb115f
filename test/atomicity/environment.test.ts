import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentError, naming } from '../../src/adapters/env-errors.js';
import { fromTemplate } from '../helpers/otter.js';
import { git, PROJECT_ROOT, svc, SVC_BIN, tempDir, tempRepo, TEST_ENV, type FileTree } from '../helpers/repo.js';
import { catalogFiles, leftovers } from './helpers.js';

const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/load');
const NOW = { SVC_NOW: '2026-01-01T00:00:00Z' };

/**
 * Tests run as root, and root writes through any permission bits (CAP_DAC_OVERRIDE). setpriv runs
 * svc (and the git it starts) as root without that capability and its two neighbours, so a chmod
 * read-only folder is read-only to it. (chattr +i needs a file system that has it; a read-only bind
 * mount needs CAP_SYS_ADMIN, which the test container does not give.)
 */
const WITHOUT_OVERRIDE = ['setpriv', '--bounding-set=-dac_override,-dac_read_search,-fowner', '--inh-caps=-dac_override,-dac_read_search,-fowner'];

function run(cwd: string, prefix: string[], args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(prefix[0]!, [...prefix.slice(1), process.execPath, SVC_BIN, ...args], { cwd, env: { ...TEST_ENV, ...env }, encoding: 'utf8', input: '' });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function filesUnder(dir: string, prefix: string): FileTree {
  const out: FileTree = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[`${prefix}/${join(e.parentPath, e.name).slice(dir.length + 1)}`] = readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

/** The load fixture with its locations loaded and committed, and an index in .svc. */
function catalog(): string {
  return fromTemplate('env-catalog', () => {
    const dir = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\ninventory: inventory\n', ...filesUnder(join(FIXTURES, 'schemas'), 'schemas'), ...filesUnder(join(FIXTURES, 'objects'), 'objects') });
    if (svc(dir, ['load', 'objects/01-locations.yml']).code !== 0) throw new Error('load failed');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'locations');
    return dir;
  });
}

function expectEnvironmentError(r: { code: number | null; stderr: string }, code: string): void {
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).toContain(`error[${code}]`);
  expect(r.stderr).toContain('hint:');
  expect(r.code, r.stderr).toBe(2);
}

describe('errors of the machine are said as such, with nothing half-written', () => {
  it('a read-only .svc: fs/permission-denied naming the path, catalog unchanged', () => {
    const dir = catalog();
    const before = catalogFiles(dir);
    for (const d of ['.svc', '.svc/txn']) chmodSync(join(dir, d), 0o555);
    try {
      const r = run(dir, WITHOUT_OVERRIDE, ['load', 'objects']);
      expectEnvironmentError(r, 'fs/permission-denied');
      expect(r.stderr).toContain('.svc');
    } finally {
      for (const d of ['.svc', '.svc/txn']) chmodSync(join(dir, d), 0o755);
    }
    expect(catalogFiles(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
    expect(svc(dir, ['validate']).code).toBe(0);
  });

  it('a file size limit (ulimit -f): fs/no-space, catalog unchanged, the next command works', () => {
    const dir = catalog();
    const before = catalogFiles(dir);
    // A rebuilt index passes 10 blocks (5 KB) at once.
    writeFileSync(join(dir, '.svc/index.sqlite'), 'not a database');
    const r = run(dir, ['sh', '-c', 'ulimit -f 10; exec "$@"', 'sh'], ['load', 'objects']);
    expect(r.signal).toBeNull();
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toMatch(/error\[fs\/(no-space|io-error)\]/);
    expect(r.code, r.stderr).toBe(2);
    expect(catalogFiles(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
    expect(svc(dir, ['validate']).code).toBe(0);
  });

  it('a full disk (ENOSPC, as /dev/full gives it) and a file size limit are fs/no-space with the path', () => {
    let enospc: unknown;
    try {
      naming('/dev/full', () => writeFileSync('/dev/full', 'x'));
    } catch (e) {
      enospc = e;
    }
    const e = environmentError(enospc);
    expect(e?.code).toBe('fs/no-space');
    expect(e?.message).toContain('/dev/full');
    expect(e?.exitCode).toBe(2);
    expect(environmentError(new Error('a bug'))).toBeUndefined();
  });

  it('a read-only .git: fs/permission-denied with a hint, not "git -c failed"', () => {
    const parent = tempDir();
    expect(svc(parent, ['init', 'cat']).code).toBe(0);
    const repo = join(parent, 'cat');
    const dirs = ['.git', '.git/objects', '.git/refs', '.git/refs/heads'];
    for (const d of dirs) chmodSync(join(repo, d), 0o555);
    try {
      const r = run(repo, WITHOUT_OVERRIDE, ['request', 'create', 'customer vlan', '--customer', 'acme', '--set', 'site=site-a'], NOW);
      expectEnvironmentError(r, 'fs/permission-denied');
      expect(r.stderr).not.toMatch(/git -c failed/);
      expect(r.stderr).toContain('.git');
    } finally {
      for (const d of dirs) chmodSync(join(repo, d), 0o755);
    }
    expect(git(repo, 'branch', '--list', 'request/*')).toBe('');
  });

  it('a schema file over the size limit: input/too-large before it is parsed', () => {
    const dir = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/a.yml': 'version: "1.0"\nnodes: []\n' });
    // 9 MB of a valid schema: the default limit is 8 MB.
    writeFileSync(join(dir, 'schemas/big.yml'), `version: "1.0"\nnodes:\n${'  - name: Kind\n    namespace: Test\n    description: ' + 'x'.repeat(100) + '\n'}`.repeat(1).padEnd(9 * 1024 * 1024, '#'));
    const r = svc(dir, ['validate']);
    expectEnvironmentError(r, 'input/too-large');
    expect(r.stderr).toContain('big.yml is 9.0 MB');
    expect(r.stderr).toContain('SVC_MAX_INPUT_MB');
    const raised = svc(dir, ['schema', 'check', 'schemas/big.yml'], { env: { SVC_MAX_INPUT_MB: '10' } });
    expect(raised.stderr).not.toContain('input/too-large');
  });

  it('YAML nested deeper than svc reads: input/too-deep with the position, no stack overflow', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'deep.yml'), `version: "1.0"\nnodes:\n  - name: X\n    namespace: Test\n    attributes: ${'['.repeat(20000)}${']'.repeat(20000)}\n`);
    const r = svc(dir, ['schema', 'check', 'deep.yml']);
    expectEnvironmentError(r, 'input/too-deep');
    expect(r.stderr).toContain('deep.yml:5:');
    expect(r.stderr).not.toContain('call stack');
  });
});
