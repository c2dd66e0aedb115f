import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLoad } from '../../src/core/load/plan.js';
import type { LoadInput } from '../../src/core/load/types.js';
import { applyTo, FIXTURES, fixtureSchema, memoryReader } from './helpers.js';

const schema = fixtureSchema();
const fixtureInputs = (): LoadInput[] =>
  readdirSync(join(FIXTURES, 'objects'))
    .sort()
    .map((f) => ({ file: `objects/${f}`, text: readFileSync(join(FIXTURES, 'objects', f), 'utf8') }));

const one = (text: string, file = 'x.yml'): LoadInput[] => [{ file, text }];
const doc = (kind: string, body: string, params = '') => `apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: ${kind}\n${params}  data:\n${body}`;
const SITE = doc('LocationCountry', '    - name: NL\n      code: NL\n      sites:\n        data:\n          - name: ams1\n');

describe('planLoad: the fixture catalog', () => {
  const reader = memoryReader(schema);
  const plan = planLoad(fixtureInputs(), schema, reader);

  it('has no errors and creates every object, children and expanded ranges included', () => {
    expect(plan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan.summary).toEqual({
      BuiltinTag: { created: 1, updated: 0, unchanged: 0 },
      IpamPrefix: { created: 2, updated: 0, unchanged: 0 },
      LocationCountry: { created: 2, updated: 0, unchanged: 0 },
      LocationSite: { created: 2, updated: 0, unchanged: 0 },
      NetworkDevice: { created: 3, updated: 0, unchanged: 0 },
      NetworkEthernet: { created: 2 * (4 + 4), updated: 0, unchanged: 0 },
      NetworkLoopback: { created: 1, updated: 0, unchanged: 0 },
    });
  });

  it('expands [1-4] and nested ranges, and fills in each child\'s parent', () => {
    const eth = plan.changeSet.upserts.filter((o) => o.kind === 'NetworkEthernet');
    const core1 = plan.changeSet.upserts.find((o) => o.attributes.name === 'ams1-core1')!;
    const names = eth.filter((o) => (o.relationships.device as { id: string }).id === core1.id).map((o) => o.attributes.name).sort();
    expect(names).toEqual(['Ethernet1/1', 'Ethernet1/2', 'Ethernet1/3', 'Ethernet1/4', 'Ethernet2/1', 'Ethernet2/3', 'Ethernet3/1', 'Ethernet3/3']);
    const e11 = eth.find((o) => o.attributes.name === 'Ethernet1/1')!;
    expect(e11.attributes).toMatchObject({ mtu: 9000, enabled: true });
  });

  it('types and normalises values; the owning side holds each link', () => {
    const byName = (n: string) => plan.changeSet.upserts.find((o) => o.attributes.name === n || o.attributes.prefix === n)!;
    expect(byName('ams1-core1').attributes.management).toBe('192.0.2.1/24');
    expect(byName('2001:db8::/48').attributes.status).toBe('active');
    const site = byName('ams1');
    expect(site.relationships.country).toEqual({ id: byName('Netherlands').id, kind: 'LocationCountry' });
    expect(byName('Netherlands').relationships.sites).toBeUndefined();
    expect(byName('ams1-edge1').relationships.site).toEqual({ id: site.id, kind: 'LocationSite' });
    expect(byName('ams1-core2').relationships.tags).toEqual([{ id: byName('blue').id, kind: 'BuiltinTag' }]);
    expect(byName('Belgium').attributes.code).toBe('BE');
  });

  it('is deterministic: the same input gives the same plan', () => {
    expect(planLoad([...fixtureInputs()].reverse(), schema, memoryReader(schema))).toEqual(plan);
  });

  it('upserts by human-friendly id: a second load plans nothing, a change keeps the id', () => {
    const inv = memoryReader(schema);
    applyTo(inv, planLoad(fixtureInputs(), schema, inv).changeSet.upserts);
    const again = planLoad(fixtureInputs(), schema, inv);
    expect(again.changeSet.upserts).toEqual([]);
    expect(Object.values(again.summary).every((c) => c.created === 0 && c.updated === 0)).toBe(true);

    const before = inv.objects.find((o) => o.attributes.name === 'ams1-edge1')!;
    const edit = planLoad(one(doc('NetworkDevice', '    - name: ams1-edge1\n      asn: 65002\n')), schema, inv);
    expect(edit.diagnostics).toEqual([]);
    expect(edit.changeSet.upserts).toHaveLength(1);
    expect(edit.changeSet.upserts[0]).toEqual({ ...before, attributes: { ...before.attributes, asn: 65002 } });
    expect(edit.summary).toEqual({ NetworkDevice: { created: 0, updated: 1, unchanged: 0 } });
  });

  it('adds a child to an existing parent without rewriting the parent', () => {
    const inv = memoryReader(schema);
    applyTo(inv, planLoad(fixtureInputs(), schema, inv).changeSet.upserts);
    const add = planLoad(one(doc('NetworkLoopback', '    - name: Loopback1\n      device: ams1-edge1\n')), schema, inv);
    expect(add.diagnostics).toEqual([]);
    expect(add.changeSet.upserts.map((o) => o.kind)).toEqual(['NetworkLoopback']);
  });
});

describe('planLoad: several files describing one object upsert it in file order', () => {
  const inputs = (): LoadInput[] =>
    ['01-first.yml', '02-second.yml'].map((f) => ({ file: `upsert/${f}`, text: readFileSync(join(FIXTURES, 'upsert', f), 'utf8') }));

  it('the later file updates what the earlier one made; nothing is defined twice', () => {
    const plan = planLoad(inputs(), schema, memoryReader(schema));
    expect(plan.diagnostics).toEqual([]);
    const byName = (n: string) => plan.changeSet.upserts.filter((o) => o.attributes.name === n);
    expect(byName('ams1-core1')).toHaveLength(1);
    const device = byName('ams1-core1')[0]!;
    expect(device.attributes).toMatchObject({ asn: 65002, role: 'core' });
    expect(device.relationships.site).toEqual({ id: byName('ams2')[0]!.id, kind: 'LocationSite' });
    expect(device.relationships.tags).toEqual([{ id: byName('green')[0]!.id, kind: 'BuiltinTag' }]);
    const eth = plan.changeSet.upserts.filter((o) => o.kind === 'NetworkEthernet');
    expect(eth.map((o) => [o.attributes.name, o.attributes.mtu])).toEqual(expect.arrayContaining([['Ethernet1', 9000], ['Ethernet2', undefined]]));
    expect(eth).toHaveLength(2);
  });

  it('within one file the same object twice stays an error', () => {
    const [a, b] = inputs();
    const plan = planLoad([{ file: a!.file, text: `${a!.text}---\n${b!.text}` }], schema, memoryReader(schema));
    expect(plan.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['load/duplicate', 'load/duplicate']);
  });
});

describe('planLoad: every node has member_of_groups and subscriber_of_groups, as in Infrahub', () => {
  it('a device names its groups; the group holds the membership', () => {
    const text = SITE + '---\n' + doc('CoreStandardGroup', '    - name: edge-devices\n') + '---\n' + doc('NetworkDevice', '    - name: d1\n      role: edge\n      site: ams1\n      member_of_groups: [edge-devices]\n      subscriber_of_groups: [edge-devices]\n');
    const plan = planLoad(one(text), schema, memoryReader(schema));
    expect(plan.diagnostics).toEqual([]);
    const device = plan.changeSet.upserts.find((o) => o.attributes.name === 'd1')!;
    const group = plan.changeSet.upserts.find((o) => o.kind === 'CoreStandardGroup')!;
    expect(group.relationships).toEqual({ members: [{ id: device.id, kind: 'NetworkDevice' }], subscribers: [{ id: device.id, kind: 'NetworkDevice' }] });
    expect(schema.isA('NetworkDevice', 'CoreNode')).toBe(true);
  });
});

describe('planLoad: object files are read as YAML 1.1, as the Infrahub SDK reads them', () => {
  it('enabled: yes is a boolean and 9_000 a number, each with a warning at the value', () => {
    const text = SITE + '---\n' + doc('NetworkDevice', '    - name: d1\n      role: core\n      site: ams1\n      interfaces:\n        kind: NetworkEthernet\n        data:\n          - {name: e1, enabled: no, mtu: 9_000}\n');
    const plan = planLoad(one(text), schema, memoryReader(schema));
    expect(plan.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`)).toEqual(['warning yaml/yaml11-scalar 23:33', 'warning yaml/yaml11-scalar 23:42']);
    expect(plan.changeSet.upserts.find((o) => o.attributes.name === 'e1')!.attributes).toMatchObject({ enabled: false, mtu: 9000 });
  });
});

describe('planLoad: errors name the file, the line and the object, and plan nothing', () => {
  const run = (text: string, existing = memoryReader(schema)) => {
    const plan = planLoad(one(text), schema, existing);
    expect(plan.changeSet.upserts).toEqual([]);
    return plan.diagnostics.filter((d) => d.severity === 'error');
  };

  it('malformed YAML', () => {
    const [d, ...rest] = run('apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: [oops\n');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'yaml/syntax', file: 'x.yml' });
    expect(d!.line).toBeGreaterThanOrEqual(4);
  });

  it('an envelope that is not an object file', () => {
    expect(run('name: x\n')[0]).toMatchObject({ code: 'load/not-an-object-file', line: 1 });
    expect(run('apiVersion: infrahub.app/v2\nkind: Object\nspec: {}\n')[0]).toMatchObject({ code: 'load/api-version', line: 1 });
  });

  it('unknown kind, with did-you-mean', () => {
    const [d] = run(doc('NetworkDevise', '    - name: x\n'));
    expect(d).toMatchObject({ code: 'load/unknown-kind', line: 4, column: 9, hint: 'did you mean "NetworkDevice"?' });
  });

  it('a generic where a concrete kind is needed', () => {
    const [d] = run(doc('NetworkInterface', '    - name: x\n'));
    expect(d).toMatchObject({ code: 'load/generic-kind', hint: 'name one of the kinds that inherit it: NetworkEthernet, NetworkLoopback' });
  });

  it('unknown attribute, with did-you-mean, naming the object', () => {
    const errs = run(SITE.replace('      code: NL\n', '      code: NL\n      cod: NL\n'));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ code: 'load/unknown-key', line: 8, column: 7, subject: 'LocationCountry "NL"', hint: 'did you mean "code"?' });
    expect(errs[0]!.message).toBe('LocationCountry "NL": LocationCountry has no attribute or relationship "cod"');
  });

  it('wrong types: a quoted number, a quoted boolean, a bad prefix', () => {
    const errs = run(
      SITE +
        '---\n' +
        doc('NetworkDevice', '    - name: d1\n      role: core\n      site: ams1\n      asn: "10"\n      interfaces:\n        kind: NetworkEthernet\n        data:\n          - name: e1\n            enabled: "yes"\n') +
        '---\n' +
        doc('IpamPrefix', '    - prefix: 10.0.0.300/24\n'),
    );
    expect(errs.map((d) => [d.code, d.line, d.subject])).toEqual([
      ['load/wrong-type', 20, 'NetworkDevice "d1"'],
      ['load/wrong-type', 25, 'NetworkEthernet "d1 / e1"'],
      ['load/wrong-type', 32, 'IpamPrefix at line 32'],
    ]);
    expect(errs[0]!.hint).toBe('write 10 without quotes');
    expect(errs[1]!.hint).toBe('write true or false without quotes');
  });

  it('a Dropdown value that is not a choice, a regex and a bound', () => {
    const errs = run(SITE.replace('code: NL', 'code: nl') + '---\n' + doc('NetworkDevice', '    - name: d1\n      role: cor\n      site: ams1\n      interfaces:\n        kind: NetworkEthernet\n        data:\n          - {name: e1, mtu: 10}\n'));
    expect(errs.map((d) => d.code)).toEqual(['load/regex', 'load/not-a-choice', 'load/too-small']);
    expect(errs[1]!.hint).toBe('did you mean "core"?');
  });

  it('a dangling reference, with did-you-mean', () => {
    const errs = run(SITE + '---\n' + doc('NetworkDevice', '    - name: d1\n      role: core\n      site: ams2\n'));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ code: 'load/dangling-reference', line: 19, subject: 'NetworkDevice "d1"', hint: 'did you mean "ams1"?' });
  });

  it('a duplicate within the load', () => {
    const errs = run(doc('BuiltinTag', '    - name: red\n    - name: red\n'));
    expect(errs).toEqual([expect.objectContaining({ code: 'load/duplicate', line: 7, message: 'BuiltinTag "red": defined twice in this file (first at x.yml:6)' })]);
  });

  it('a missing mandatory attribute and relationship', () => {
    const errs = run(doc('NetworkDevice', '    - name: d1\n'));
    expect(errs.map((d) => [d.code, d.key])).toEqual([
      ['load/missing-mandatory', 'role'],
      ['load/missing-relationship', 'site'],
    ]);
  });

  it('ranges that do not line up', () => {
    const errs = run(doc('BuiltinTag', '    - name: t[1-3]\n      description: d[1-2]\n', '  parameters:\n    expand_range: true\n'));
    expect(errs[0]).toMatchObject({ code: 'load/range-mismatch', line: 8 });
  });
});
