import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { planLoad } from '../../src/core/load/plan.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import { applyTo, FIXTURES, memoryReader } from './helpers.js';

const dir = join(FIXTURES, 'ipam');
const schema = loadSchemaPaths([join(dir, 'schema.yml')], nodeFileHost, dir).schema!;
const objects = () => [{ file: 'objects.yml', text: readFileSync(join(dir, 'objects.yml'), 'utf8') }];

describe('the default IP namespace is built in', () => {
  it('a prefix or address naming none is in it, and "default" resolves though no file declares it', () => {
    const plan = planLoad(objects(), schema, memoryReader(schema));
    expect(plan.diagnostics).toEqual([]);
    const ns = plan.changeSet.upserts.filter((o) => o.kind === 'IpamNamespace');
    expect(ns).toEqual([expect.objectContaining({ attributes: { name: 'default', default: true } })]);
    const ref = { id: ns[0]!.id, kind: 'IpamNamespace' };
    for (const o of plan.changeSet.upserts.filter((x) => x.kind !== 'IpamNamespace')) expect(o.relationships.ip_namespace).toEqual(ref);
    expect(plan.summary.IpamNamespace).toEqual({ created: 1, updated: 0, unchanged: 0 });
  });

  it('uses the namespace the inventory marks default, and keeps the one an object already has', () => {
    const inv = memoryReader(schema, [
      { id: 'a000000000000001', kind: 'IpamNamespace', attributes: { name: 'global', default: true }, relationships: {} },
      { id: 'a000000000000002', kind: 'IpamNamespace', attributes: { name: 'vrf-a' }, relationships: {} },
      { id: 'b000000000000001', kind: 'IpamPrefix', attributes: { prefix: '10.0.0.0/16' }, relationships: { ip_namespace: { id: 'a000000000000002', kind: 'IpamNamespace' } } },
    ]);
    const text = 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: IpamPrefix\n  data:\n    - prefix: 10.0.0.0/16\n    - prefix: 10.2.0.0/16\n';
    const plan = planLoad([{ file: 'x.yml', text }], schema, inv);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.changeSet.upserts.map((o) => [o.attributes.prefix, (o.relationships.ip_namespace as { id: string }).id])).toEqual([['10.2.0.0/16', 'a000000000000001']]);
  });

  it('a second load plans nothing', () => {
    const inv = memoryReader(schema);
    applyTo(inv, planLoad(objects(), schema, inv).changeSet.upserts);
    expect(planLoad(objects(), schema, inv).changeSet.upserts).toEqual([]);
  });
});
