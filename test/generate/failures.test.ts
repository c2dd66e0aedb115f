import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objectId, objectPath } from '../../src/core/inventory/paths.js';
import { svc, writeTree, type FileTree } from '../helpers/repo.js';
import { addSubscriptions, blockPath, commit, editJson, filesOf, generate, generateJson, implementation, otterNet, snapshot } from './world.js';

/** The index still answers after a failed run, and agrees with the files. */
function indexUsable(repo: string): void {
  const r = svc(repo, ['list', 'DcimInterfaceL2', '--filter', 'status=free', '--filter', 'role=customer', '--format', 'json']);
  expect(r.code).toBe(0);
  expect((JSON.parse(r.stdout) as unknown[]).length).toBeGreaterThan(0);
  expect(svc(repo, ['validate']).code).toBe(0);
}

/** A site with one core switch and two free customer ports, and no edge router. */
function siteWithoutRouter(): FileTree {
  const file = (kind: string, hfid: string[], body: Record<string, unknown>): [string, string] => {
    const id = objectId(kind, hfid);
    return [`inventory/${objectPath(kind, id, hfid)}`, `${JSON.stringify({ id, ...body }, null, 2)}\n`];
  };
  return Object.fromEntries([
    file('LocationSite', ['ams01'], { name: 'ams01', status: 'active', description: 'No router yet', parent: 'Paris' }),
    file('DcimDevice', ['sw01-ams01'], { name: 'sw01-ams01', role: 'core', index: 1, status: 'active', location: 'ams01' }),
    ...['Ethernet1/1', 'Ethernet1/2'].map((name) =>
      file('DcimInterfaceL2', ['sw01-ams01', name], { name, status: 'free', role: 'customer', enabled: false, device: 'sw01-ams01' }),
    ),
  ]);
}

const BROKEN = `import type { GeneratorSdk } from 'svc/sdk';

export default async function generate(sdk: GeneratorSdk): Promise<void> {
  await sdk.allocateNumber('Customer vlan pool', 'extra');
  throw new Error('the extra VLAN is not wanted after all');
}
`;

describe('svc generate: a failing run changes nothing', () => {
  it('a subscription at a site without an edge router: exit 1 naming generator, target and line; nothing written', () => {
    const repo = otterNet();
    writeTree(repo, siteWithoutRouter());
    commit(repo, 'ams01 without a router');
    // A healthy subscription runs first (name order) so there are writes to throw away.
    addSubscriptions(repo, [{ sid: 'dia-0001' }, { sid: 'dia-0002', site: 'ams01' }]);
    commit(repo, 'subscriptions');
    expect(svc(repo, ['list', 'DcimDevice', '--format', 'json']).code).toBe(0);
    const before = snapshot(repo);

    const r = generate(repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('generator dedicated_internet failed for target dia-0002 at generators/dedicated_internet.ts:');
    expect(r.stderr).toMatch(/generators\/dedicated_internet\.ts:\d+:\d+/);
    expect(r.stderr).toContain('site ams01 has no edge router 1');
    expect(snapshot(repo)).toEqual(before);
    indexUsable(repo);

    // Fixing the input lets the same repository generate normally.
    editJson(repo, blockPath('dia-0002'), (b) => (b.site = 'par02'));
    const ok = generateJson(repo);
    expect(ok.targets.map((t) => t.outcome)).toEqual(['generated', 'generated']);
  });

  it('a generator that throws after allocating: exit 1 with its file and line, inventory, index and git status untouched', () => {
    const repo = otterNet();
    writeTree(repo, { 'generators/zz_broken.ts': BROKEN });
    // Last of the generators: other keys follow generator_definitions in the config.
    const config = join(repo, '.orchestrator.yml');
    const text = readFileSync(config, 'utf8');
    const list = text.indexOf('generator_definitions:\n') + 'generator_definitions:\n'.length;
    const next = text.slice(list).search(/^[a-z_]+:/m);
    const at = next < 0 ? text.length : list + next;
    writeFileSync(config, `${text.slice(0, at)}  - name: zz_broken\n    file_path: generators/zz_broken.ts\n    targets: dedicated internet\n${text.slice(at)}`);
    addSubscriptions(repo, [{ sid: 'dia-0001' }]);
    commit(repo, 'a broken generator');
    const before = snapshot(repo);

    const r = generate(repo);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`generator zz_broken failed for target dia-0001 at generators/zz_broken.ts:5:`);
    expect(r.stderr).toContain('the extra VLAN is not wanted after all');
    expect(snapshot(repo)).toEqual(before);
    indexUsable(repo);

    // The healthy generator alone still works, and its VLAN is the pool's first: the failed
    // run's allocation was never kept.
    generateJson(repo, '--generator', 'dedicated_internet');
    expect(implementation(repo, 'dia-0001').vlan).toBe(1000);
  });

  it('pool exhaustion names the pool, its size and its use, and writes nothing', () => {
    const repo = otterNet();
    const pool = filesOf(repo, 'CoreNumberPool')[0]!;
    editJson(repo, pool, (p) => (p.end_range = 1001));
    addSubscriptions(repo, [{ sid: 'dia-0001' }, { sid: 'dia-0002' }, { sid: 'dia-0003' }]);
    commit(repo, 'a pool of two VLANs, three services');
    const before = snapshot(repo);

    const r = generate(repo);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Customer vlan pool');
    expect(r.stderr).toMatch(/all 2 in use/);
    expect(r.stderr).toContain('generators/dedicated_internet.ts:');
    expect(r.stderr).toMatch(/hint: release allocations/);
    expect(snapshot(repo)).toEqual(before);
    indexUsable(repo);

    // Two fit.
    editJson(repo, 'inventory/ProductDedicatedInternet/dia-0003.json', (s) => (s.status = 'initial'));
    const ok = generateJson(repo);
    expect(ok.targets.filter((t) => t.outcome === 'generated')).toHaveLength(2);
    expect([implementation(repo, 'dia-0001').vlan, implementation(repo, 'dia-0002').vlan].sort()).toEqual([1000, 1001]);
  });
});

describe('svc generate: many services share nothing', () => {
  it('16 at par01 and 10 elsewhere get distinct VLANs, prefixes and ports; the 17th at par01 finds no port', () => {
    const repo = otterNet();
    const par01 = Array.from({ length: 16 }, (_, i) => ({ sid: `dia-p${String(i).padStart(2, '0')}` }));
    const sites = ['par02', 'ber01', 'bru01', 'fra01', 'lys01'];
    const others = Array.from({ length: 10 }, (_, i) => ({ sid: `dia-o${String(i).padStart(2, '0')}`, site: sites[i % sites.length]!, ipPackage: (['small', 'medium', 'large'] as const)[i % 3] }));
    addSubscriptions(repo, [...par01, ...others]);
    commit(repo, '26 subscriptions');
    const r = generateJson(repo);
    expect(r.targets.filter((t) => t.lifecycle?.to === 'active')).toHaveLength(26);

    const impl = [...par01, ...others].map((s) => implementation(repo, s.sid));
    const distinct = (xs: (string | number)[]) => new Set(xs).size;
    expect(distinct(impl.map((i) => i.vlan))).toBe(26);
    expect(distinct(impl.map((i) => i.port))).toBe(26);
    expect(distinct(impl.map((i) => i.prefix))).toBe(26);
    expect(noOverlap(impl.map((i) => i.prefix))).toBe(true);
    // The least used switch wins each time: par01's ports split evenly over its two switches.
    const bySwitch = impl.slice(0, 16).reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.port.split('/')[0]!]: (acc[i.port.split('/')[0]!] ?? 0) + 1 }), {});
    expect(bySwitch).toEqual({ 'sw01-par01': 8, 'sw02-par01': 8 });
    commit(repo, 'generated');

    addSubscriptions(repo, [{ sid: 'dia-p16' }]);
    const before = snapshot(repo);
    const full = generate(repo);
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('generator dedicated_internet failed for target dia-p16');
    // It names the site, the candidates and who holds them (the first five, then a count).
    expect(full.stderr).toMatch(/no free DcimInterfaceL2 for customer-port among customer ports of core switches at par01: all 16 candidates are held \(ProductDedicatedInternet dia-p00 holds sw01-par01 \/ Ethernet1\/1; .*; 11 more holders\)/);
    expect(full.stderr).toContain('hint: a request frees what it holds when abandoned');
    expect(snapshot(repo)).toEqual(before);
  });
});

/** IPv4 prefixes as [start, end] integer ranges: no two may intersect. */
function noOverlap(prefixes: string[]): boolean {
  const ranges = prefixes
    .map((p) => {
      const [addr, len] = p.split('/');
      const start = addr!.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
      return [start, start + 2 ** (32 - Number(len)) - 1] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  return ranges.every((r, i) => i === 0 || r[0] > ranges[i - 1]![1]);
}
