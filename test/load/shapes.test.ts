import { describe, expect, it } from 'vitest';
import type { InventoryObject } from '../../src/core/inventory/model.js';
import { planLoad } from '../../src/core/load/plan.js';
import { applyTo, fixtureSchema, memoryReader } from './helpers.js';

const schema = fixtureSchema();
const doc = (kind: string, body: string, params = '') => `apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: ${kind}\n${params}  data:\n${body}`;
const COUNTRY = doc('LocationCountry', '    - name: NL\n      code: NL\n');
const plan = (files: Record<string, string>, reader = memoryReader(schema)) =>
  planLoad(Object.entries(files).map(([file, text]) => ({ file, text })), schema, reader);
const errors = (p: ReturnType<typeof plan>) => p.diagnostics.filter((d) => d.severity === 'error');
const named = (p: ReturnType<typeof plan>, name: string): InventoryObject => p.changeSet.upserts.find((o) => o.attributes.name === name)!;

describe('relationship shapes and references', () => {
  it('references between files work in any order', () => {
    const p = plan({
      'a.yml': doc('NetworkDevice', '    - name: d1\n      role: edge\n      site: s1\n'),
      'b.yml': doc('LocationSite', '    - name: s1\n      country: NL\n'),
      'c.yml': COUNTRY,
    });
    expect(errors(p)).toEqual([]);
    expect(named(p, 'd1').relationships.site).toEqual({ id: named(p, 's1').id, kind: 'LocationSite' });
  });

  it('a nested object for a "one" relationship is upserted inline', () => {
    const p = plan({ 'a.yml': doc('LocationSite', '    - name: s1\n      country:\n        data:\n          name: NL\n          code: NL\n') });
    expect(errors(p)).toEqual([]);
    expect(named(p, 's1').relationships.country).toEqual({ id: named(p, 'NL').id, kind: 'LocationCountry' });
  });

  it('a list of {kind, data} blocks, each its own kind, with a block-level expand_range', () => {
    const p = plan({
      'a.yml': COUNTRY + '---\n' + doc('LocationSite', '    - name: s1\n      country: NL\n') + '---\n' +
        doc('NetworkDevice', '    - name: d1\n      role: core\n      site: s1\n      interfaces:\n        - kind: NetworkLoopback\n          data: {name: lo0}\n        - kind: NetworkEthernet\n          data: {name: "eth[1-2]"}\n'),
      'b.yml': doc('NetworkLoopback', '    - name: lo[1-2]\n      device: d1\n', '  parameters:\n    expand_range: true\n'),
    });
    expect(errors(p)).toEqual([]);
    // Expansion is per file: eth[1-2] stays one name in a.yml, lo[1-2] expands in b.yml.
    expect(p.changeSet.upserts.filter((o) => o.kind !== 'LocationCountry' && o.kind !== 'LocationSite').map((o) => `${o.kind}:${String(o.attributes.name)}`).sort()).toEqual([
      'NetworkDevice:d1', 'NetworkEthernet:eth[1-2]', 'NetworkLoopback:lo0', 'NetworkLoopback:lo1', 'NetworkLoopback:lo2',
    ]);
  });

  it('a nested block under a generic peer needs its kind', () => {
    const p = plan({ 'a.yml': doc('NetworkDevice', '    - name: d1\n      role: core\n      site: s1\n      interfaces:\n        data:\n          - name: x\n') });
    expect(errors(p).map((d) => d.code)).toContain('load/missing-kind');
  });

  it('a link written from the side that does not store it is stored on the peer', () => {
    const inv = memoryReader(schema);
    applyTo(inv, plan({ 'a.yml': COUNTRY + '---\n' + doc('LocationSite', '    - name: s1\n      country: NL\n    - name: s2\n      country: NL\n') + '---\n' + doc('NetworkDevice', '    - name: d1\n      role: core\n      site: s1\n') }).changeSet.upserts);
    const p = plan({ 'b.yml': doc('LocationSite', '    - name: s2\n      devices: [d1]\n') }, inv);
    expect(errors(p)).toEqual([]);
    expect(p.changeSet.upserts.map((o) => o.attributes.name)).toEqual(['d1']);
    expect(named(p, 'd1').relationships.site).toEqual({ id: inv.objects.find((o) => o.attributes.name === 's2')!.id, kind: 'LocationSite' });
  });

  it('two files giving one object two different peers for a "one" relationship', () => {
    const p = plan({ 'a.yml': COUNTRY + '---\n' + doc('LocationSite', '    - name: s1\n      country: NL\n      devices: [d1]\n    - name: s2\n      country: NL\n      devices: [d1]\n') + '---\n' + doc('NetworkDevice', '    - name: d1\n      role: core\n      site: s1\n') });
    expect(errors(p).map((d) => d.code)).toEqual(['load/conflicting-reference']);
    expect(p.changeSet.upserts).toEqual([]);
  });

  it('multi-part human-friendly ids are written as lists', () => {
    const inv = memoryReader(schema);
    applyTo(inv, plan({ 'a.yml': COUNTRY + '---\n' + doc('LocationSite', '    - name: s1\n      country: NL\n') + '---\n' + doc('NetworkDevice', '    - name: d1\n      role: core\n      site: s1\n      interfaces:\n        kind: NetworkEthernet\n        data: [{name: e1}]\n') }).changeSet.upserts);
    const ok = plan({ 'b.yml': doc('LocationSite', '    - name: s1\n      primary_device: d1\n') }, inv);
    expect(errors(ok)).toEqual([]);
    const bad = plan({ 'b.yml': doc('NetworkDevice', '    - name: d1\n      interfaces: [[d1, e2]]\n') }, inv);
    expect(errors(bad)).toEqual([expect.objectContaining({ code: 'load/dangling-reference', message: 'NetworkDevice "d1": interfaces refers to NetworkInterface "d1 / e2", which does not exist', hint: 'did you mean "d1 / e1"?' })]);
  });

  it('null clears an optional attribute, and is refused for a mandatory one', () => {
    const inv = memoryReader(schema);
    applyTo(inv, plan({ 'a.yml': COUNTRY + '---\n' + doc('LocationSite', '    - name: s1\n      country: NL\n') + '---\n' + doc('NetworkDevice', '    - name: d1\n      role: core\n      site: s1\n      asn: 65000\n') }).changeSet.upserts);
    const p = plan({ 'b.yml': doc('NetworkDevice', '    - name: d1\n      asn: null\n') }, inv);
    expect(p.diagnostics).toEqual([]);
    expect(p.changeSet.upserts[0]!.attributes).toEqual({ name: 'd1', role: 'core' });
    const q = plan({ 'b.yml': doc('NetworkDevice', '    - name: d1\n      role: null\n') }, inv);
    expect(errors(q).map((d) => d.code)).toEqual(['load/missing-mandatory']);
  });

  it('host bits in a prefix are normalised, with a warning of its own code (Infrahub refuses them)', () => {
    const p = plan({ 'a.yml': doc('IpamPrefix', '    - prefix: 10.1.2.3/8\n') });
    expect(p.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'load/host-bits', message: 'IpamPrefix "10.0.0.0/8": prefix: "10.1.2.3/8" has host bits set; stored as 10.0.0.0/8', line: 6, hint: 'Infrahub refuses a prefix with host bits: write 10.0.0.0/8' })]);
    expect(p.changeSet.upserts[0]!.attributes).toEqual({ prefix: '10.0.0.0/8', status: 'active' });
  });

  it('envelope problems: unknown keys, other document kinds, a bad parameter', () => {
    const p = plan({
      'a.yml': 'apiVersion: infrahub.app/v1\nkind: Menu\nspec: {}\n---\n' + doc('BuiltinTag', '    - name: x\n', '  parameter:\n    expand_range: true\n').replace('kind: Object', 'kind: Object\nmetadata: {}'),
    });
    expect(p.diagnostics.map((d) => [d.severity, d.code, d.line])).toEqual([
      ['warning', 'load/skipped-document', 2],
      ['error', 'load/unknown-key', 7],
      ['error', 'load/unknown-key', 10],
    ]);
  });
});

describe('identity', () => {
  it('a new object named like a renamed one gets its own id', () => {
    const inv = memoryReader(schema);
    applyTo(inv, plan({ 'a.yml': doc('BuiltinTag', '    - name: red\n') }).changeSet.upserts);
    const red = inv.objects[0]!;
    red.attributes.name = 'crimson';
    const p = plan({ 'a.yml': doc('BuiltinTag', '    - name: red\n') }, inv);
    expect(p.summary).toEqual({ BuiltinTag: { created: 1, updated: 0, unchanged: 0 } });
    expect(p.changeSet.upserts[0]!.id).not.toBe(red.id);
    expect(p.changeSet.upserts[0]!.id).toMatch(/^[0-9a-f]{16}$/);
  });
});
