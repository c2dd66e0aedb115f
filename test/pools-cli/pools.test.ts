import { describe, expect, it } from 'vitest';
import { git, svc, writeTree } from '../helpers/repo.js';
import { byName, loadedOtterNet, ok, poolsOf, writeSubscription } from './helpers.js';

const VLAN = 'Customer vlan pool';
const PREFIX = 'Customer prefixes pool';

describe('svc pools on the Otter-net example', () => {
  it('lists every pool of the bootstrap, empty, with extent and size; figures move as services are generated', () => {
    const repo = loadedOtterNet();
    const empty = poolsOf(repo);
    expect(empty.ledger).toBe(false);
    expect(empty.pools.map((p) => [p.name, p.kind, p.type, p.extent, p.size, p.used, p.free, p.percent, p.reservations])).toEqual([
      ['Customer IPv6 prefixes pool', 'CoreIPPrefixPool', 'prefix', '2001:db8:100::/48', (2n ** 80n).toString(), '0', (2n ** 80n).toString(), 0, null],
      [PREFIX, 'CoreIPPrefixPool', 'prefix', '198.51.100.0/24, 203.0.113.0/24', '512', '0', '512', 0, null],
      [VLAN, 'CoreNumberPool', 'number', '1000-1999', '1000', '0', '1000', 0, null],
      ['Management addresses pool', 'CoreIPAddressPool', 'address', '10.100.0.0/16', '65534', '0', '65534', 0, null],
    ]);

    writeSubscription(repo, 1, 'small');
    ok(svc(repo, ['generate']));
    let p = poolsOf(repo);
    expect([byName(p, VLAN).used, byName(p, VLAN).free, byName(p, VLAN).percent, byName(p, VLAN).allocations]).toEqual(['1', '999', 0.1, 1]);
    expect([byName(p, PREFIX).used, byName(p, PREFIX).free, byName(p, PREFIX).percent, byName(p, PREFIX).allocations]).toEqual(['8', '504', 1.56, 1]);

    writeSubscription(repo, 2, 'large', 'par02');
    ok(svc(repo, ['generate']));
    p = poolsOf(repo);
    expect(byName(p, VLAN).used).toBe('2');
    expect(byName(p, PREFIX).used).toBe(String(8 + 32));
    expect(byName(p, 'Management addresses pool').used).toBe('0');

    // A VLAN made by hand inside the pool's range counts too: used is what the inventory carries, not only records.
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'two services');
    const vlan = { id: 'cccc000000000001', name: 'handmade', vlan_id: 1500, status: 'active', role: 'customer', l2domain: 'default' };
    writeTree(repo, { 'inventory/IpamVLAN/handmade.json': `${JSON.stringify(vlan, null, 2)}\n` });
    expect(byName(poolsOf(repo), VLAN).used).toBe('3');
  });

  it('prints a plain table when piped (no bar), with the percentage and counts people read', () => {
    const repo = loadedOtterNet();
    writeSubscription(repo, 1, 'medium');
    ok(svc(repo, ['generate']));
    const out = ok(svc(repo, ['pools'])).stdout;
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^POOL\s+TYPE\s+EXTENT\s+SIZE\s+USED\s+FREE\s+USE$/);
    expect(lines.find((l) => l.startsWith(PREFIX))).toMatch(/prefix\s+198\.51\.100\.0\/24, 203\.0\.113\.0\/24\s+512\s+16\s+496\s+3\.12%$/);
    expect(lines.find((l) => l.startsWith('Customer IPv6'))).toMatch(/2\^80\s+0\s+2\^80\s+0%$/);
    expect(out).not.toContain('[');
    expect(out).not.toContain('\x1b[');
  });

  it('refuses an unknown format with exit 2 and changes nothing', () => {
    const repo = loadedOtterNet();
    const r = svc(repo, ['pools', '--format', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/yaml.*(invalid|choices)|(invalid|choices).*yaml/i);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });
});
