import { beforeAll, describe, expect, it } from 'vitest';
import { cidrBlocks, numberRanges, prefixTree } from '../../src/core/pools/tree.js';
import { compilePool } from '../../src/core/pools/model.js';
import { pinGitEnv } from '../git/env.js';
import { svc } from '../helpers/repo.js';
import { NOW } from '../request/helpers.js';
import { json, loadedOtterNet, ok } from './helpers.js';

beforeAll(pinGitEnv);

describe('the pool tree (pure)', () => {
  it('splits free space into the fewest aligned blocks', () => {
    expect(cidrBlocks(4, 8n, 255n).map((b) => `${b.start}/${b.length}`)).toEqual(['8/29', '16/28', '32/27', '64/26', '128/25']);
  });

  it('nests used prefixes by containment, merges holders of one prefix, and leaves the parent itself out', () => {
    const pool = compilePool({ type: 'prefix', id: 'p', name: 'P', prefixes: ['10.0.0.0/24'] });
    const [root] = prefixTree(pool, [
      { resource: '10.0.0.0/24', by: 'inventory' },
      { resource: '10.0.0.0/28', by: 'inventory' },
      { resource: '10.0.0.4/31', by: 'by hand: me (link)' },
      { resource: '10.0.0.0/28', by: 'run dia-1' },
      { resource: '10.9.0.0/28', by: 'outside' },
    ]);
    expect(root!.prefix).toBe('10.0.0.0/24');
    expect(root!.children.map((c) => `${c.prefix} ${c.state}`)).toEqual(['10.0.0.0/28 used', '10.0.0.16/28 free', '10.0.0.32/27 free', '10.0.0.64/26 free', '10.0.0.128/25 free']);
    expect(root!.children[0]!.by).toEqual(['inventory', 'run dia-1']);
    expect(root!.children[0]!.children.map((c) => c.prefix)).toEqual(['10.0.0.4/31']);
  });

  it('shows only an address pool\'s usable addresses as free (no IPv4 network or broadcast address)', () => {
    const pool = compilePool({ type: 'address', id: 'a', name: 'A', prefixes: ['10.0.0.0/29'] });
    const [root] = prefixTree(pool, [{ resource: '10.0.0.2/29', by: 'inventory' }]);
    expect(root!.children.map((c) => `${c.prefix} ${c.state}`)).toEqual(['10.0.0.1/32 free', '10.0.0.2 used', '10.0.0.3/32 free', '10.0.0.4/31 free', '10.0.0.6/32 free']);
  });

  it('gives a number pool its used runs and free ranges, holders on single values', () => {
    const pool = compilePool({ type: 'number', id: 'v', name: 'V', start: 1, end: 10, excluded: '5' });
    expect(numberRanges(pool, [{ resource: '2', by: 'a' }, { resource: '3', by: 'b' }, { resource: '7', by: 'c' }, { resource: '50', by: 'x' }])).toEqual([
      { start: 1, end: 1, state: 'free', by: [] },
      { start: 2, end: 3, state: 'used', by: [] },
      { start: 4, end: 4, state: 'free', by: [] },
      { start: 6, end: 6, state: 'free', by: [] },
      { start: 7, end: 7, state: 'used', by: ['c'] },
      { start: 8, end: 10, state: 'free', by: [] },
    ]);
  });
});

describe('svc pools show', () => {
  it('draws the prefix tree with what is held by hand, and a number pool\'s ranges; JSON alike', () => {
    const repo = loadedOtterNet();
    ok(svc(repo, ['pools', 'reserve', 'Customer prefixes pool', '203.0.113.0/29', '--for', 'core link'], { env: NOW }));
    ok(svc(repo, ['pools', 'reserve', 'Customer vlan pool', '1000', '--for', 'lab'], { env: NOW }));
    const text = ok(svc(repo, ['pools', 'show', 'Customer prefixes pool'])).stdout;
    expect(text).toMatch(/203\.0\.113\.0\/24\n├── 203\.0\.113\.0\/29 +used  by hand: /);
    expect(text).toMatch(/\(core link\)\n├── 203\.0\.113\.8\/29 +free\n/);
    // The state column is aligned within a tree.
    expect(text).toMatch(/└── 203\.0\.113\.128\/25  free\n/);
    const j = json<{ name: string; tree: { prefix: string; children: { prefix: string; state: string }[] }[]; reserved: number }>(svc(repo, ['pools', 'show', 'Customer prefixes pool', '--format', 'json']));
    expect(j.reserved).toBe(1);
    expect(j.tree.map((t) => t.prefix).sort()).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
    const vlans = json<{ ranges: { start: number; end: number; state: string; by: string[] }[] }>(svc(repo, ['pools', 'show', 'Customer vlan pool', '--format', 'json']));
    expect(vlans.ranges[0]).toMatchObject({ start: 1000, end: 1000, state: 'used' });
    expect(vlans.ranges[0]!.by[0]).toMatch(/^by hand: .* \(lab\)$/);
    expect(vlans.ranges[1]).toMatchObject({ start: 1001, end: 1999, state: 'free' });
    const bad = svc(repo, ['pools', 'show', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no pool named "nope"');
  }, 120_000);
});
