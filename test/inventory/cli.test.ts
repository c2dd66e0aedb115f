import { describe, expect, it } from 'vitest';
import { svc } from '../helpers/repo.js';
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

  it('unknown kind, unknown filter key, badly typed filter: exit 2 with a hint, nothing printed on stdout', () => {
    const dir = catalogRepo();
    const k = svc(dir, ['list', 'DcimSwich']);
    expect([k.code, k.stdout]).toEqual([2, '']);
    expect(k.stderr).toContain('unknown kind "DcimSwich"');
    expect(k.stderr).toContain('did you mean "DcimSwitch"?');
    const f = svc(dir, ['list', 'DcimInterface', '--filter', 'mut=9000']);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('DcimInterface has no attribute "mut"');
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
