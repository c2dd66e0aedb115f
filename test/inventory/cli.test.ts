import { describe, expect, it } from 'vitest';
import { otterNetLoaded } from '../helpers/otter.js';
import { svc, writeTree } from '../helpers/repo.js';
import { catalogRepo, idOf } from './helpers.js';

// Runs the compiled CLI: build first (`npm test` does; alone: npx tsc -p tsconfig.build.json).

describe('svc list', () => {
  it('lists a kind as JSON when piped, typed, sorted, with references by hfid', () => {
    const dir = catalogRepo();
    const r = svc(dir, ['list', 'DcimInterface']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((o: { hfid: string[] }) => o.hfid)).toEqual([['atl1-core1', 'Ethernet1/1'], ['atl1-core1', 'Ethernet1/2']]);
    expect(rows[0].attributes).toEqual({ name: 'Ethernet1/1', enabled: true, mtu: 9000 });
    expect(rows[0].relationships[0]).toMatchObject({ name: 'device', direction: 'out', peer: 'DcimGenericDevice', peers: [{ kind: 'DcimSwitch', hfid: ['atl1-core1'] }] });
  });

  it('a generic lists every inheriting kind, in a table with a kind column', () => {
    const dir = catalogRepo();
    const r = svc(dir, ['list', 'DcimGenericDevice', '--format', 'table']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^kind\s+id\s+name\s+status\s+site$/);
    expect(lines[2]).toMatch(/^DcimRouter\s+[0-9a-f]{16}\s+atl1-edge1\s+planned\s+ATL1$/);
    expect(lines[3]).toMatch(/^DcimSwitch\s+[0-9a-f]{16}\s+atl1-core1\s+active\s+ATL1$/);
    expect(lines[4]).toBe('2 objects');
  });

  it('filters with typed values, and yaml output', () => {
    const dir = catalogRepo();
    const r = svc(dir, ['list', 'DcimInterface', '--filter', 'enabled=false', '--format', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('name: Ethernet1/2');
    expect(r.stdout).not.toContain('Ethernet1/1');
    const m = svc(dir, ['list', 'DcimInterface', '--filter', 'mtu=9000', '--filter', 'enabled=yes']);
    expect(JSON.parse(m.stdout)).toHaveLength(1);
  });

  it('filters on a stored relationship by the peer\'s hfid or id, a generic peer included; empty: no peer', () => {
    const dir = catalogRepo();
    const names = (args: string[]) => {
      const r = svc(dir, ['list', ...args, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as { attributes: { name: string } }[]).map((o) => o.attributes.name);
    };
    expect(names(['DcimInterface', '--filter', 'device=atl1-core1'])).toEqual(['Ethernet1/1', 'Ethernet1/2']);
    expect(names(['DcimInterface', '--filter', `device=${idOf('DcimSwitch', ['atl1-core1'])}`, '--filter', 'enabled=true'])).toEqual(['Ethernet1/1']);
    // A `many` relationship: its edges.
    expect(names(['DcimInterface', '--filter', `tagged_vlans=${idOf('IpamVlan', 'v100')}`])).toEqual(['Ethernet1/1']);
    expect(names(['DcimInterface', '--filter', 'tagged_vlans='])).toEqual(['Ethernet1/2']);
    expect(names(['DcimGenericDevice', '--filter', 'site=ATL1'])).toEqual(['atl1-edge1', 'atl1-core1']);
    expect(names(['DcimGenericDevice', '--filter', 'site='])).toEqual([]);
  });

  it('a peer whose hfid has several components is named with them joined by " / "', () => {
    const dir = otterNetLoaded();
    const block = { id: '00000000000000b1', ip_package: 'small', site: 'par01', customer_port: ['sw01-par01', 'Ethernet1/1'] };
    writeTree(dir, { 'inventory/BlockDedicatedInternet/00000000000000b1.json': `${JSON.stringify(block, null, 2)}\n` });
    const r = svc(dir, ['list', 'BlockDedicatedInternet', '--filter', 'customer_port=sw01-par01 / Ethernet1/1']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((o) => o.id)).toEqual(['00000000000000b1']);
    expect(JSON.parse(svc(dir, ['list', 'BlockDedicatedInternet', '--filter', 'customer_port=sw01-par01 / Ethernet1/2']).stdout)).toEqual([]);
    expect(svc(dir, ['list', 'BlockDedicatedInternet', '--filter', 'customer_port=sw01-par01/Ethernet1/1']).stderr).toContain('no DcimInterfaceL2 sw01-par01/Ethernet1/1');
  });

  it('a relationship filter naming no object, or a relationship the peers store: exit 2 with what to do', () => {
    const dir = catalogRepo();
    const none = svc(dir, ['list', 'DcimInterface', '--filter', 'device=atl1-core9']);
    expect([none.code, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toContain('--filter device=atl1-core9: no DcimGenericDevice atl1-core9');
    expect(none.stderr).toContain('svc list DcimGenericDevice');
    // An id of an object of another kind is not a device.
    expect(svc(dir, ['list', 'DcimInterface', '--filter', `device=${idOf('LocationSite', ['ATL1'])}`]).code).toBe(2);
    const other = svc(dir, ['list', 'DcimSwitch', '--filter', 'interfaces=Ethernet1/1']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('DcimSwitch files do not store "interfaces"');
    expect(other.stderr).toContain('svc list DcimInterface --filter device=<this DcimSwitch>');
  });

  it('unknown kind, unknown filter key, badly typed filter: exit 2 with a hint, nothing printed on stdout', () => {
    const dir = catalogRepo();
    const k = svc(dir, ['list', 'DcimSwich']);
    expect([k.code, k.stdout]).toEqual([2, '']);
    expect(k.stderr).toContain('unknown kind "DcimSwich"');
    expect(k.stderr).toContain('did you mean "DcimSwitch"?');
    const f = svc(dir, ['list', 'DcimInterface', '--filter', 'mut=9000']);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('DcimInterface has no attribute or relationship "mut"');
    expect(f.stderr).toContain('did you mean "mtu"?');
    const t = svc(dir, ['list', 'DcimInterface', '--filter', 'mtu=big']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('Number needs a whole number, got "big"');
    const e = svc(dir, ['list', 'DcimInterface', '--filter', 'mtu']);
    expect(e.stderr).toContain('expected key=value');
  });
});

describe('svc show', () => {
  it('shows attributes and both directions, by hfid or id', () => {
    const dir = catalogRepo();
    const r = svc(dir, ['show', 'DcimSwitch', 'atl1-core1', '--format', 'text']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DcimSwitch atl1-core1');
    expect(r.stdout).toContain('file  inventory/DcimSwitch/atl1-core1.json');
    expect(r.stdout).toMatch(/asn\s+65001/);
    expect(r.stdout).toMatch(/interfaces\s+←\s+DcimInterface\s+atl1-core1 \/ Ethernet1\/1/);
    expect(r.stdout).toMatch(/site\s+→\s+LocationSite\s+ATL1/);
    const byId = svc(dir, ['show', 'DcimGenericDevice', idOf('DcimSwitch', ['atl1-core1'])]);
    const view = JSON.parse(byId.stdout);
    expect(view.kind).toBe('DcimSwitch');
    expect(view.relationships.map((x: { name: string; direction: string }) => `${x.name}:${x.direction}`)).toEqual(['interfaces:in', 'site:out']);
  });

  it('a multi-component hfid is given as several arguments', () => {
    const dir = catalogRepo();
    const r = svc(dir, ['show', 'DcimInterface', 'atl1-core1', 'Ethernet1/1', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).relationships.map((x: { name: string }) => x.name)).toEqual(['device', 'tagged_vlans']);
  });

  it('an object that does not exist: exit 2 with how to find it', () => {
    const dir = catalogRepo();
    const r = svc(dir, ['show', 'DcimSwitch', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no DcimSwitch nope');
    expect(r.stderr).toContain('svc list DcimSwitch');
  });
});
