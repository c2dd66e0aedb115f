import { describe, expect, it } from 'vitest';
import { decodeObject, encodeObject, toInventoryObject, type RefKey } from '../../src/core/inventory/codec.js';
import type { InventoryObject, PeerRef } from '../../src/core/inventory/model.js';
import { storedRelationships } from '../../src/core/inventory/ownership.js';
import { objectId } from '../../src/core/inventory/paths.js';
import { load, catalogRepo } from './helpers.js';

const { schema } = load(catalogRepo({}));
const site: PeerRef = { id: objectId('LocationSite', ['ATL1']), kind: 'LocationSite' };
const sw: PeerRef = { id: objectId('DcimSwitch', ['atl1-core1']), kind: 'DcimSwitch' };
const vlan: PeerRef = { id: objectId('IpamVlan', 'v100'), kind: 'IpamVlan' };
const hfids = new Map<string, string[] | undefined>([
  [site.id, ['ATL1']],
  [sw.id, ['atl1-core1']],
  [vlan.id, undefined],
]);
const byKey = new Map<string, PeerRef>([
  ['LocationSite:["ATL1"]', site],
  ['DcimSwitch:["atl1-core1"]', sw],
]);
const resolve = (r: RefKey): PeerRef | undefined => ('id' in r ? (r.id === vlan.id ? vlan : undefined) : byKey.get(`${r.kind}:${JSON.stringify(r.hfid)}`));

describe('the object file format', () => {
  const full: InventoryObject = {
    id: sw.id,
    kind: 'DcimSwitch',
    attributes: { status: 'active', name: 'atl1-core1', asn: 65001, managed: false, mgmt: '10.0.0.1/24', tags: ['b', 'a'], extra: { rack: 4, tags: [1] }, installed: '2026-03-01T10:00:00.000Z' },
    relationships: { site },
  };

  it('writes id first, then attributes and relationships in schema order, typed, with a trailing newline', () => {
    const text = encodeObject(schema, full, (p) => hfids.get(p.id));
    expect(text).toBe(
      `{\n  "id": "${sw.id}",\n  "asn": 65001,\n  "managed": false,\n  "mgmt": "10.0.0.1/24",\n  "tags": [\n    "b",\n    "a"\n  ],\n  "extra": {\n    "rack": 4,\n    "tags": [\n      1\n    ]\n  },\n  "installed": "2026-03-01T10:00:00.000Z",\n  "name": "atl1-core1",\n  "status": "active",\n  "site": "ATL1"\n}\n`,
    );
  });

  it('round-trips byte for byte, every value typed', () => {
    const text = encodeObject(schema, full, (p) => hfids.get(p.id));
    const { object, diagnostics } = decodeObject(schema, 'DcimSwitch/atl1-core1.json', text, 'inventory/DcimSwitch/atl1-core1.json');
    expect(diagnostics).toEqual([]);
    const back = toInventoryObject(object!, resolve);
    expect(back).toEqual(full);
    expect(typeof back.attributes.asn).toBe('number');
    expect(typeof back.attributes.managed).toBe('boolean');
    expect(Array.isArray(back.attributes.tags)).toBe(true);
    expect(encodeObject(schema, back, (p) => hfids.get(p.id))).toBe(text);
  });

  it('normalises IP values and dates, and leaves absent values out', () => {
    const text = encodeObject(schema, { id: sw.id, kind: 'DcimSwitch', attributes: { name: 'x', status: 'active', mgmt: '10.0.0.1', installed: '2026-03-01' }, relationships: {} }, () => undefined);
    expect(JSON.parse(text)).toEqual({ id: sw.id, mgmt: '10.0.0.1/32', installed: '2026-03-01T00:00:00.000Z', name: 'x', status: 'active' });
    const p = encodeObject(schema, { id: sw.id, kind: 'IpamPrefix', attributes: { prefix: '2001:DB8:0:0::5/64' }, relationships: {} }, () => undefined);
    expect(JSON.parse(p).prefix).toBe('2001:db8::/64');
  });

  it('writes references by hfid: a generic peer with its kind, a peer without hfid by id, many sorted', () => {
    const a: PeerRef = { id: objectId('IpamVlan', 'a'), kind: 'IpamVlan' };
    const iface: InventoryObject = { id: objectId('DcimInterface', ['atl1-core1', 'e1']), kind: 'DcimInterface', attributes: { name: 'e1' }, relationships: { device: sw, tagged_vlans: [vlan, a] } };
    const text = encodeObject(schema, iface, (p) => hfids.get(p.id));
    const json = JSON.parse(text);
    expect(json.device).toEqual({ kind: 'DcimSwitch', hfid: 'atl1-core1' });
    expect(json.tagged_vlans).toEqual([{ id: vlan.id }, { id: a.id }].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1)));
  });

  it('stores each relationship on one side only', () => {
    const names = (k: string) => storedRelationships(schema, schema.get(k)!).map((r) => r.name);
    // `profiles` (every node has it, as in Infrahub) is stored by the object: profiles do not list their objects.
    expect(names('DcimInterface')).toEqual(['device', 'tagged_vlans', 'profiles']);
    expect(names('DcimSwitch')).toEqual(['site', 'profiles']);
    expect(names('LocationSite')).toEqual(['profiles']);
    expect(names('IpamVlan')).toEqual(['profiles']);
  });

  it('reports a syntax error with its line and column', () => {
    const { object, diagnostics } = decodeObject(schema, 'DcimSwitch/a.json', '{\n  "id": "0123456789abcdef",\n  "name": "a",,\n}\n', 'inventory/DcimSwitch/a.json');
    expect(object).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ code: 'inventory/bad-json', file: 'inventory/DcimSwitch/a.json', line: 3, severity: 'error' });
  });

  it('reports wrong types, unknown keys (with did-you-mean) and keys stored by the peer, at their line', () => {
    const text = `{\n  "id": "0123456789abcdef",\n  "asn": "65001",\n  "nmae": "a",\n  "interfaces": [],\n  "status": "active"\n}\n`;
    const { object, diagnostics } = decodeObject(schema, 'DcimSwitch/a.json', text, 'f.json');
    expect(object?.attributes).toEqual({ status: 'active' });
    expect(diagnostics.map((d) => [d.code, d.line, d.hint])).toEqual([
      ['inventory/wrong-type', 3, undefined],
      ['inventory/unknown-key', 4, 'did you mean "name"?'],
      ['inventory/unknown-key', 5, '"interfaces" is stored in the peer\'s file (DcimInterface), not here'],
    ]);
    expect(diagnostics[0]!.message).toBe('asn: Number needs a whole number, got a string');
  });

  it('refuses a file without a valid id, of an unknown or generic kind', () => {
    expect(decodeObject(schema, 'DcimSwitch/a.json', '{"name": "a"}', 'f').diagnostics[0]!.code).toBe('inventory/bad-id');
    const unknown = decodeObject(schema, 'DcimSwich/a.json', '{}', 'f').diagnostics[0]!;
    expect([unknown.code, unknown.hint]).toEqual(['inventory/unknown-kind', 'did you mean "DcimSwitch"?']);
    expect(decodeObject(schema, 'DcimGenericDevice/a.json', '{}', 'f').diagnostics[0]!.message).toContain('generic');
    expect(decodeObject(schema, 'DcimSwitch/a.json', '[1]', 'f').diagnostics[0]!.code).toBe('inventory/not-an-object');
  });

  it('refuses malformed references', () => {
    const text = `{\n  "id": "0123456789abcdef",\n  "name": "e1",\n  "device": "atl1-core1"\n}\n`;
    const d = decodeObject(schema, 'DcimInterface/a/e1.json', text, 'f').diagnostics[0]!;
    expect(d.code).toBe('inventory/bad-reference');
    expect(d.message).toContain('DcimGenericDevice is a generic');
    expect(d.line).toBe(4);
  });
});
