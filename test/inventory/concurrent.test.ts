import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { git, PROJECT_ROOT, svc, TEST_ENV } from '../helpers/repo.js';
import { openInventory } from '../../src/app/inventory.js';
import { catalogRepo, load, objectFile } from './helpers.js';

const HOLDER = fileURLToPath(new URL('./fixtures/hold-index-write.mjs', import.meta.url));

/** Runs a process to its end: exit code and output. */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, env: TEST_ENV });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b));
    p.stderr.on('data', (b: Buffer) => (stderr += b));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Another process holding the write lock of the index of the catalog at `dir`, until a line on its stdin. */
async function holdIndex(dir: string): Promise<ReturnType<typeof spawn>> {
  const holder = spawn(process.execPath, [HOLDER, join(dir, '.svc/index.sqlite')], { cwd: PROJECT_ROOT, env: TEST_ENV });
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.once('data', (b: Buffer) => (String(b) === 'held\n' ? resolve() : reject(new Error(String(b)))));
    holder.once('error', reject);
  });
  return holder;
}

/** Runs svc in `dir` while another process holds the index's write lock, released after 1.5 s. */
async function svcWhileLocked(dir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const holder = await holdIndex(dir);
  const done = run(process.execPath, [join(PROJECT_ROOT, 'bin/svc'), ...args], dir);
  await sleep(1500);
  holder.stdin!.write('go\n');
  return done;
}

// SQLite fails at once a transaction that read before it writes while another process holds the
// write lock, whatever the timeout: svc's writes must wait for the lock instead.
describe('the index shared by processes', () => {
  it('a refresh waits for another process writing the index, then updates it in place (no rebuild)', async () => {
    const dir = catalogRepo();
    expect(svc(dir, ['list', 'LocationSite']).code).toBe(0);
    const index = join(dir, '.svc/index.sqlite');
    const inode = statSync(index).ino;
    const [path, text] = objectFile('LocationSite', ['ATL1'], { name: 'ATL1', description: 'Atlanta, moved' });
    writeFileSync(join(dir, path), text);
    git(dir, 'commit', '-q', '-am', 'moved');

    const r = await svcWhileLocked(dir, ['list', 'LocationSite', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].attributes.description).toBe('Atlanta, moved');
    // A rebuild writes a new file and renames it over the index: the same file means an incremental refresh.
    expect(statSync(index).ino).toBe(inode);
  });

  it('a load waits for another process writing the index, then writes its objects', async () => {
    const dir = catalogRepo();
    expect(svc(dir, ['list', 'LocationSite']).code).toBe(0);
    writeFileSync(join(dir, 'sites.yml'), 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: LocationSite\n  data:\n    - name: NYC1\n      description: New York\n');
    const r = await svcWhileLocked(dir, ['load', 'sites.yml', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).written).toEqual([expect.stringMatching(/^inventory\/LocationSite\/.*\.json$/)]);
    const listed = JSON.parse(svc(dir, ['list', 'LocationSite', '--format', 'json']).stdout) as { hfid: string[] }[];
    expect(listed.map((o) => o.hfid[0])).toEqual(['ATL1', 'NYC1']);
  });

  it('a write that waits too long for the lock is refused with what to do, and writes nothing', async () => {
    const dir = catalogRepo();
    const { catalog, schema } = load(dir);
    const inv = openInventory(catalog, schema, { busyTimeoutMs: 200 });
    const holder = await holdIndex(dir);
    try {
      const status = () => git(dir, 'status', '--porcelain=v1', '--untracked-files=all');
      const before = status();
      const site = inv.query('LocationSite')[0]!;
      const edited = { ...site, attributes: { ...site.attributes, description: 'elsewhere' } };
      expect(() => inv.apply({ upserts: [edited], deletes: [] })).toThrow(expect.objectContaining({ code: 'inventory/index-busy', exitCode: 2, hint: expect.stringContaining('nothing was written') }));
      expect(status()).toBe(before);
      expect(before).toBe('');
    } finally {
      holder.stdin!.write('go\n');
      inv.close();
    }
    // Once the lock is free, the same change goes through.
    const again = openInventory(catalog, schema);
    try {
      const site = again.query('LocationSite')[0]!;
      expect(again.apply({ upserts: [{ ...site, attributes: { ...site.attributes, description: 'elsewhere' } }], deletes: [] }).written).toHaveLength(1);
    } finally {
      again.close();
    }
  });
});
