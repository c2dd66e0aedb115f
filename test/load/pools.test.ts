import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import type { InventoryObject } from '../../src/core/inventory/model.js';
import { planLoad } from '../../src/core/load/plan.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import { applyTo, FIXTURES, memoryReader } from './helpers.js';

const dir = join(FIXTURES, 'pools');
const schema = loadSchemaPaths([join(dir, 'schema.yml')], nodeFileHost, dir).schema!;
const objects = () => [{ file: 'objects.yml', text: readFileSync(join(dir, 'objects.yml'), 'utf8') }];
const peer = (all: InventoryObject[], o: InventoryObject, rel: string) => all.find((x) => x.id === (o.relationships[rel] as { id: string }).id)!;

describe('pools in object files: inline resources, <relationship>_from_resource_pool', () => {
  it('allocates each peer from the named pool, lowest free first, in the pool\'s namespace', () => {
    const plan = planLoad(objects(), schema, memoryReader(schema));
    expect(plan.diagnostics).toEqual([]);
    const all = plan.changeSet.upserts;
    const named = (n: string) => all.find((o) => o.attributes.name === n)!;
    expect(peer(all, named('r1'), 'loopback').attributes.address).toBe('192.0.2.0/32');
    expect(peer(all, named('r2'), 'loopback').attributes.address).toBe('192.0.2.1/32');
    const subnet = peer(all, named('r1-r2'), 'subnet');
    expect(subnet).toMatchObject({ kind: 'IpamPrefix', attributes: { prefix: '198.51.100.0/31' } });
    expect(subnet.relationships.ip_namespace).toEqual(named('loopbacks').relationships.ip_namespace);
    expect(named('p2p').relationships.resources).toHaveLength(1);
  });

  it('loading again allocates nothing; a new object takes the next free resource', () => {
    const inv = memoryReader(schema);
    applyTo(inv, planLoad(objects(), schema, inv).changeSet.upserts);
    expect(planLoad(objects(), schema, inv).changeSet.upserts).toEqual([]);
    const more = 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: NetRouter\n  data:\n    - name: r3\n      loopback_from_resource_pool: loopbacks\n';
    const plan = planLoad([{ file: 'more.yml', text: more }], schema, inv);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.changeSet.upserts.find((o) => o.kind === 'IpamIPAddress')!.attributes.address).toBe('192.0.2.2/32');
  });

  it('an unknown pool is an error at the key', () => {
    const text = 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: NetRouter\n  data:\n    - name: r9\n      loopback_from_resource_pool: nowhere\n';
    const plan = planLoad([{ file: 'x.yml', text }], schema, memoryReader(schema));
    expect(plan.diagnostics.map((d) => `${d.code} ${d.line}`)).toEqual(['load/unknown-pool 7']);
  });
});
