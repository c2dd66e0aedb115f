import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { planLoad } from '../../src/core/load/plan.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import { applyTo, FIXTURES, memoryReader } from './helpers.js';

const dir = join(FIXTURES, 'generated');
const load = loadSchemaPaths([join(dir, 'schema.yml')], nodeFileHost, dir);
const schema = load.schema!;
const objects = () => [{ file: 'objects.yml', text: readFileSync(join(dir, 'objects.yml'), 'utf8') }];

describe('Infrahub\'s generated kinds: profiles and templates', () => {
  it('are generated: a profile per node, templates for generate_template and its components', () => {
    expect(load.diagnostics).toEqual([]);
    const kinds = [...schema.kinds.keys()].filter((k) => /^(Profile|Template)Dcim/.test(k));
    expect(kinds).toEqual(['ProfileDcimDevice', 'ProfileDcimInterfaceL3', 'ProfileDcimPhysical', 'TemplateDcimDevice', 'TemplateDcimInterface', 'TemplateDcimInterfaceL3', 'TemplateDcimPhysical']);
    const device = schema.get('DcimDevice')!.relationships.map((r) => `${r.name} ${r.peer}`);
    expect(device).toEqual(expect.arrayContaining(['profiles ProfileDcimDevice', 'object_template TemplateDcimDevice']));
    expect(schema.get('TemplateDcimDevice')!.relationships.map((r) => `${r.name} ${r.peer}`)).toEqual(['interfaces TemplateDcimInterface']);
    expect(schema.get('ProfileDcimInterfaceL3')!.attributes.every((a) => a.optional)).toBe(false); // profile_name is mandatory
  });

  it('an object file using them loads: the template\'s components are made, profiles fill unset values', () => {
    const plan = planLoad(objects(), schema, memoryReader(schema));
    expect(plan.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning yaml/yaml11-scalar']);
    const of = (kind: string) => plan.changeSet.upserts.filter((o) => o.kind === kind);
    const edge1 = of('DcimDevice')[0]!;
    expect(edge1.attributes).toEqual({ name: 'edge1', platform: 'junos' });
    expect(of('DcimPhysical').map((o) => [o.attributes.name, o.attributes.mtu, (o.relationships.device as { id: string }).id])).toEqual(
      expect.arrayContaining([['xe-0/0/0', 9216, edge1.id], ['xe-0/0/1', 1500, edge1.id]]),
    );
    expect(of('DcimPhysical')).toHaveLength(2);
    const l3 = Object.fromEntries(of('DcimInterfaceL3').map((o) => [o.attributes.name, o.attributes]));
    expect(l3).toEqual({ lo0: { name: 'lo0', mtu: 9000, enabled: true }, irb0: { name: 'irb0', mtu: 1400, enabled: true } });
  });

  it('a second load plans nothing', () => {
    const inv = memoryReader(schema);
    applyTo(inv, planLoad(objects(), schema, inv).changeSet.upserts);
    expect(planLoad(objects(), schema, inv).changeSet.upserts).toEqual([]);
  });
});
