import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, svc, tempDir, writeTree } from '../helpers/repo.js';
import { lineOf } from './helpers.js';

const NOW = { SVC_NOW: '2026-01-01T00:00:00Z' };

describe('svc validate --base: product changes are schema changes', () => {
  it('a tightened bound on a product field, broken by a generated value, points at the product file', () => {
    const parent = tempDir();
    expect(svc(parent, ['init', 'cat']).code).toBe(0);
    const repo = join(parent, 'cat');
    const json = (o: Record<string, unknown>) => `${JSON.stringify(o, null, 2)}\n`;
    writeTree(repo, {
      'inventory/ProductCustomerVlan/cv-01.json': json({ id: '00000000000000a1', subscription_id: 'cv-01', product: 'customer vlan', customer: 'acme', status: 'provisioning', insync: true, version: 1, customer_vlan: { id: '00000000000000b1' } }),
      'inventory/BlockCustomerVlan/00000000000000b1.json': json({ id: '00000000000000b1', site: 'site-a', subscription: { kind: 'ProductCustomerVlan', hfid: 'cv-01' } }),
    });
    expect(svc(repo, ['generate'], { env: NOW }).code).toBe(0);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'cv-01');
    const path = join(repo, 'products/customer-vlan.yml');
    const next = readFileSync(path, 'utf8').replace('max_value: 4094', 'max_value: 99');
    writeFileSync(path, next);
    const r = svc(repo, ['validate', '--base', 'main', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { schemaChanges: unknown[]; diagnostics: { code: string; file?: string; line?: number; message: string }[] };
    expect(out.schemaChanges).toEqual([expect.objectContaining({ kind: 'BlockCustomerVlan', name: 'vlan_id', property: 'max_value', before: 4094, after: 99, action: 'validate_constraint', file: 'products/customer-vlan.yml' })]);
    const d = out.diagnostics.find((x) => x.code === 'review/value-breaks-bound')!;
    expect(d).toMatchObject({ file: 'products/customer-vlan.yml', line: lineOf(next, '- name: vlan_id') });
    expect(d.message).toContain('1 object (inventory/BlockCustomerVlan/00000000000000b1.json)');
  });
});
