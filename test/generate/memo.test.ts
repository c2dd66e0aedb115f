import Database from 'better-sqlite3';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/repo.js';
import { addSubscriptions, blockPath, commit, editJson, generate, generateJson, implementation, inventoryTree, otterNet, snapshot } from './world.js';

// Remembered runs (src/core/generate/memo.ts): a target whose inputs did not change is skipped.
// Every test here holds the one property that matters: skipping never changes the result. The same
// steps are taken on a twin repository generated with --no-cache, and both inventories must be
// byte-identical after every step.

const SUBS = [
  { sid: 'dia-0001' },
  { sid: 'dia-0002', site: 'par01', ipPackage: 'medium' as const },
  { sid: 'dia-0003', site: 'ber01' },
];

/** A repository with SUBS generated, committed, and remembered (the run after creation confirms them). */
function converged(): string {
  const repo = otterNet();
  addSubscriptions(repo, SUBS);
  commit(repo, 'subscriptions');
  expect(generateJson(repo).reused).toBe(0);
  commit(repo, 'generated');
  // The runs that created objects saw them absent: they run once more, find nothing to do, and are remembered.
  const confirm = generateJson(repo);
  expect(confirm).toMatchObject({ upToDate: true, reused: 0 });
  return repo;
}

function twin(repo: string): string {
  const copy = tempDir('svc-gen-twin-');
  rmSync(copy, { recursive: true, force: true });
  cpSync(repo, copy, { recursive: true });
  return copy;
}

/** The same step on both, then generation (remembering vs not): the inventories must stay identical. */
function step(repo: string, fresh: string, change: (r: string) => void, ...args: string[]) {
  change(repo);
  change(fresh);
  const cached = generateJson(repo, ...args);
  const full = generateJson(fresh, ...args, '--no-cache');
  expect(full.reused).toBe(0);
  expect(inventoryTree(repo)).toEqual(inventoryTree(fresh));
  // What a skipped target reports is what running it reports.
  expect(cached.targets).toEqual(full.targets);
  return cached;
}

describe('svc generate remembers runs whose inputs did not change', () => {
  it('skips every converged target, reporting exactly what a full run reports, and changes nothing', () => {
    const repo = converged();
    const before = snapshot(repo);
    const again = generateJson(repo);
    expect(again).toMatchObject({ upToDate: true, applied: false, reused: 3 });
    const full = generateJson(repo, '--no-cache');
    expect(full).toMatchObject({ upToDate: true, reused: 0 });
    expect(again.targets).toEqual(full.targets);
    expect(again.targets.map((t) => t.logs.length)).toEqual([3, 3, 3]);
    expect(snapshot(repo)).toEqual(before);
  });

  it('runs again a target whose input changed (a larger IP package), and only that one', () => {
    const repo = converged();
    const fresh = twin(repo);
    const was = implementation(repo, 'dia-0002');
    const r = step(repo, fresh, (d) => editJson(d, blockPath('dia-0002'), (o) => (o.ip_package = 'large')));
    expect(r.reused).toBe(2);
    expect(implementation(repo, 'dia-0002').prefix).toMatch(/\/27$/);
    expect(implementation(repo, 'dia-0002').prefix).not.toBe(was.prefix);
    commit(repo, 'larger');
    commit(fresh, 'larger');
    // The changed target confirms once, then all three are remembered again.
    expect(step(repo, fresh, () => {}).reused).toBe(2);
    expect(step(repo, fresh, () => {}).reused).toBe(3);
  });

  it('repairs hand edits and deletions of generated objects although their runs are remembered', () => {
    const repo = converged();
    const tree = inventoryTree(repo);
    const vlan = 'inventory/IpamVLAN/vlan__dia-0003.json';
    writeFileSync(join(repo, vlan), tree[vlan]!.replace('"active"', '"reserved"'));
    const gateway = Object.keys(tree).find((p) => p.startsWith('inventory/IpamIPAddress/') && tree[p]!.includes('Gateway of service dia-0001'))!;
    rmSync(join(repo, gateway));
    const check = generate(repo, '--check');
    expect(check.code).toBe(1);
    const r = generateJson(repo);
    expect(r.reused).toBe(1);
    expect(r.files.written.sort()).toEqual([gateway, vlan].map((p) => p.slice('inventory/'.length)).sort());
    expect(inventoryTree(repo)).toEqual(tree);
  });

  it('a new subscription at a site with remembered services gets its own VLAN, prefix and port; the others stay skipped', () => {
    const repo = converged();
    const fresh = twin(repo);
    const r = step(repo, fresh, (d) => addSubscriptions(d, [{ sid: 'dia-0004', site: 'par01' }]));
    expect(r.reused).toBe(3);
    const mine = implementation(repo, 'dia-0004');
    for (const other of ['dia-0001', 'dia-0002']) {
      const theirs = implementation(repo, other);
      expect(mine.vlan).not.toBe(theirs.vlan);
      expect(mine.prefix).not.toBe(theirs.prefix);
      expect(mine.port).not.toBe(theirs.port);
    }
    // Terminating one releases its resources, whatever is remembered.
    const t = step(repo, fresh, (d) => editJson(d, 'inventory/ProductDedicatedInternet/dia-0001.json', (o) => (o.status = 'terminated')));
    expect(t.targets.find((x) => x.label.endsWith('dia-0001'))?.outcome).toBe('released');
    expect(readFileSync(join(repo, 'inventory/IpamVLAN/vlan__dia-0002.json'), 'utf8')).toContain('"active"');
  });

  it('a change to the generator code or to its parameters runs every target again', () => {
    const repo = converged();
    const file = join(repo, 'generators/dedicated_internet.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('sdk.log.info(`VLAN ${vlanId}`)', 'sdk.log.info(`VLAN id ${vlanId}`)'));
    const code = generateJson(repo);
    expect(code.reused).toBe(0);
    expect(code.targets[0]!.logs[0]!.message).toMatch(/^VLAN id \d+$/);
    expect(generateJson(repo).reused).toBe(3);

    const config = join(repo, '.orchestrator.yml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('      l2_domain: default', '      l2_domain: default\n      note: unused by the code'));
    expect(generateJson(repo).reused).toBe(0);
    expect(generateJson(repo).reused).toBe(3);
  });

  it('never remembers a run that reads the clock', () => {
    const repo = otterNet();
    const file = join(repo, 'generators/dedicated_internet.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  const label = `service ${serviceId}`;', '  const label = `service ${serviceId}`;\n  sdk.log.debug(`at ${sdk.now().toISOString()}`);'));
    addSubscriptions(repo, SUBS);
    commit(repo, 'clock-reading generator');
    generateJson(repo);
    generateJson(repo);
    const r = generateJson(repo);
    expect(r).toMatchObject({ upToDate: true, reused: 0 });
  });

  it('a dry run remembers nothing; --no-cache runs everything and remembers afresh', () => {
    const repo = otterNet();
    addSubscriptions(repo, SUBS);
    commit(repo, 'subscriptions');
    generateJson(repo);
    expect(generateJson(repo, '--dry-run')).toMatchObject({ upToDate: true, reused: 0 });
    expect(generateJson(repo, '--check')).toMatchObject({ upToDate: true, reused: 0 });
    expect(generateJson(repo)).toMatchObject({ upToDate: true, reused: 0 });
    expect(generateJson(repo, '--check')).toMatchObject({ upToDate: true, reused: 3 });
    expect(generateJson(repo, '--no-cache')).toMatchObject({ upToDate: true, reused: 0 });
    expect(generateJson(repo)).toMatchObject({ upToDate: true, reused: 3 });
  });

  it('a damaged or foreign entry is a miss, never a wrong skip', () => {
    const repo = converged();
    const db = new Database(join(repo, '.svc/index.sqlite'));
    const runs = db.prepare('SELECT run FROM memo ORDER BY run').pluck().all() as string[];
    expect(runs).toHaveLength(3);
    db.prepare('UPDATE memo SET entry = ? WHERE run = ?').run('{not json', runs[0]);
    db.prepare('UPDATE memo SET entry = ? WHERE run = ?').run(JSON.stringify({ key: 'x', objects: [], lookups: [], report: { logs: [] } }), runs[1]);
    db.close();
    const r = generateJson(repo);
    expect(r).toMatchObject({ upToDate: true, reused: 1 });
    expect(generateJson(repo).reused).toBe(3);
  });

  it('survives a rebuilt index: the entries go with it and come back after one full run', () => {
    const repo = converged();
    rmSync(join(repo, '.svc/index.sqlite'));
    expect(generateJson(repo)).toMatchObject({ upToDate: true, reused: 0 });
    expect(generateJson(repo).reused).toBe(3);
  });
});
