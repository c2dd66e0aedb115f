import { describe, expect, it } from 'vitest';
import { checkInventory } from '../../src/core/inventory-check/check.js';
import { fixtureSchema } from '../load/helpers.js';
import { asFiles, edit, fixtureInventory } from './helpers.js';

const schema = fixtureSchema();
const DEV = 'NetworkDevice/ams1-core1.json';
const ETH = 'NetworkEthernet/ams1-core1/ethernet1-1~12804403.json';
const ETH2 = 'NetworkEthernet/ams1-core1/ethernet1-2~30afe6f1.json';

/** Check an edited copy of the valid fixture inventory; returns [code, file, line, message] rows. */
function findings(change: (tree: Map<string, string>) => void) {
  const tree = fixtureInventory(schema);
  change(tree);
  return checkInventory(schema, asFiles(tree)).diagnostics.map((d) => [d.code, d.file, d.line, d.message]);
}
const LOOPBACK = (t: Map<string, string>) => [...t.keys()].find((k) => k.startsWith('NetworkLoopback/'))!;
const idOf = (tree: Map<string, string>, path: string) => (JSON.parse(tree.get(path)!) as { id: string }).id;

describe('checkInventory', () => {
  it('finds nothing in an inventory the loader and the codec produced', () => {
    const tree = fixtureInventory(schema);
    const r = checkInventory(schema, asFiles(tree));
    expect(r.diagnostics).toEqual([]);
    expect(r.objects).toBe(tree.size);
  });

  it('wrong type (a Number written as a string)', () => {
    expect(findings((t) => edit(t, ETH, (o) => (o.mtu = '9000')))).toEqual([['inventory/wrong-type', `inventory/${ETH}`, 4, 'mtu: Number needs a whole number, got a string']]);
  });

  it('a mandatory value missing', () => {
    expect(findings((t) => edit(t, DEV, (o) => delete o.role)))
      .toEqual([['inventory/missing-mandatory', `inventory/${DEV}`, 1, 'NetworkDevice "ams1-core1": mandatory attribute role (Dropdown) is missing']]);
  });

  it('a Dropdown value that is not a choice, an enum, a regex, length and value bounds', () => {
    const rows = findings((t) => {
      edit(t, DEV, (o) => (o.role = 'spine'));
      edit(t, 'IpamPrefix/198.51.100.0-24~9e6315b5.json', (o) => (o.status = 'gone'));
      edit(t, 'LocationCountry/belgium~348841ef.json', (o) => (o.code = 'be'));
      edit(t, ETH, (o) => { o.mtu = 10; o.description = 'x'.repeat(41); });
      edit(t, ETH2, (o) => (o.mtu = 10_000));
    });
    expect(rows.map((r) => [r[0], r[2]])).toEqual([
      ['inventory/not-in-enum', 4],
      ['inventory/regex', 4],
      ['inventory/not-a-choice', 4],
      ['inventory/too-small', 4],
      ['inventory/too-long', 7],
      ['inventory/too-large', 4],
    ]);
    expect(rows[2]![3]).toBe('NetworkDevice "ams1-core1": role: "spine" is not one of its choices (core, edge)');
  });

  it('a unique attribute declared on a generic holds across its kinds', () => {
    const rows = findings((t) => {
      edit(t, ETH, (o) => (o.mac = '00:00:00:00:00:01'));
      edit(t, LOOPBACK(t), (o) => (o.mac = '00:00:00:00:00:01'));
    });
    expect(rows).toEqual([[
      'inventory/not-unique',
      `inventory/${LOOPBACK(fixtureInventory(schema))}`,
      6,
      'NetworkLoopback "ams1-edge1 / Loopback0": mac "00:00:00:00:00:01" is unique across NetworkInterface but NetworkEthernet "ams1-core1 / Ethernet1/1" (inventory/NetworkEthernet/ams1-core1/ethernet1-1~12804403.json) has it too',
    ]]);
  });

  it('uniqueness_constraints of a generic hold across its kinds', () => {
    const rows = findings((t) => {
      t.set('NetworkLoopback/ams1-core1/ethernet1-1~12804403.json', `{\n  "id": "00000000000000aa",\n  "name": "Ethernet1/1",\n  "enabled": true,\n  "device": "ams1-core1"\n}\n`);
    });
    expect(rows.map((r) => r[0])).toEqual(['inventory/not-unique-together']);
    expect(rows[0]![1]).toBe('inventory/NetworkLoopback/ams1-core1/ethernet1-1~12804403.json');
    expect(rows[0]![3]).toContain('(device, name__value) must be unique together across NetworkInterface');
  });

  it('a reference that does not resolve', () => {
    expect(findings((t) => edit(t, DEV, (o) => (o.site = 'nowhere')))).toEqual([
      ['inventory/dangling-reference', `inventory/${DEV}`, 6, 'site refers to LocationSite "nowhere", which is not in the inventory'],
    ]);
  });

  it('a "one" relationship holding several peers after a merge', () => {
    expect(findings((t) => edit(t, ETH, (o) => (o.device = [['ams1-core1'], ['ams1-core2']])))).toEqual([
      ['inventory/too-many-peers', `inventory/${ETH}`, 6, 'NetworkEthernet 7e54cc63ac63b22d: device is a "one" relationship but holds 2 references'],
    ]);
  });

  it('the reverse side of a one-to-one held by two objects', () => {
    const rows = findings((t) => {
      edit(t, 'LocationSite/ams1.json', (o) => (o.primary_device = 'ams1-core1'));
      edit(t, 'LocationSite/ams2.json', (o) => (o.primary_device = 'ams1-core1'));
    });
    expect(rows).toEqual([[
      'inventory/cardinality',
      `inventory/${DEV}`,
      1,
      'NetworkDevice "ams1-core1": primary_site is a "one" relationship but 2 objects link to it: LocationSite "ams1" (inventory/LocationSite/ams1.json), LocationSite "ams2" (inventory/LocationSite/ams2.json)',
    ]]);
  });

  it('min_count and max_count, on the stored and the derived side', () => {
    const rows = findings((t) => {
      edit(t, DEV, (o) => (o.tags = ['blue', 'red', 'green']));
      t.set('BuiltinTag/red.json', '{\n  "id": "00000000000000b1",\n  "name": "red"\n}\n');
      t.set('BuiltinTag/green.json', '{\n  "id": "00000000000000b2",\n  "name": "green"\n}\n');
      t.set('LocationSite/ams3.json', '{\n  "id": "00000000000000c1",\n  "name": "ams3",\n  "country": "Belgium"\n}\n');
    });
    expect(rows).toEqual([
      ['inventory/min-count', 'inventory/LocationCountry/belgium~348841ef.json', 1, 'LocationCountry "Belgium": sites has 1 peer, at least 2 required'],
      ['inventory/max-count', `inventory/${DEV}`, 7, 'NetworkDevice "ams1-core1": tags has 3 peers, at most 2 allowed'],
    ]);
  });

  it('a mandatory relationship missing', () => {
    expect(findings((t) => edit(t, ETH, (o) => delete o.device)).map((r) => [r[0], r[2]])).toContainEqual(['inventory/missing-relationship', 1]);
  });

  it('both sides must agree on the kinds they join', () => {
    const rows = findings((t) => edit(t, DEV, (o) => (o.site = { id: idOf(t, 'LocationCountry/belgium~348841ef.json') })));
    expect(rows.map((r) => r[0])).toContain('inventory/wrong-peer-kind');
  });

  it('a file that is not where its kind and hfid put it; a copied file', () => {
    const rows = findings((t) => {
      t.set('LocationSite/amsterdam.json', t.get('LocationSite/ams1.json')!);
      t.delete('LocationSite/ams1.json');
      t.set('BuiltinTag/blue-copy.json', t.get('BuiltinTag/blue.json')!);
    });
    expect(rows).toEqual([
      ['inventory/duplicate-id', 'inventory/BuiltinTag/blue.json', 2, 'id a4aa22a4054f1a5b is also used by inventory/BuiltinTag/blue-copy.json'],
      ['inventory/path-mismatch', 'inventory/LocationSite/amsterdam.json', 1, 'LocationSite "ams1" belongs in LocationSite/ams1.json, not LocationSite/amsterdam.json'],
    ]);
  });
});
