import { describe, expect, it } from 'vitest';
import { otterNetLoaded } from '../helpers/otter.js';
import { svc } from '../helpers/repo.js';

const BLOCK = 'b000000000000001';
const text = (o: unknown) => `${JSON.stringify(o, null, 2)}\n`;
const sub = (status: string) => ({
  id: 'a000000000000001', bandwidth: 1000, subscription_id: 'dia-0001', product: 'dedicated internet 1000', customer: 'acme',
  status, ...(status === 'active' ? { start_date: '2026-01-01T00:00:00.000Z' } : {}), insync: true, version: 1, dedicated_internet: { id: BLOCK },
});
const block = { id: BLOCK, ip_package: 'small', site: 'par01', subscription: { kind: 'ProductDedicatedInternet', hfid: 'dia-0001' } };

describe('svc validate checks every subscription against its lifecycle state', () => {
  it('a provisioning subscription with its inputs is valid', () => {
    const dir = otterNetLoaded('sub-provisioning', {
      'inventory/ProductDedicatedInternet/dia-0001.json': text(sub('provisioning')),
      [`inventory/BlockDedicatedInternet/${BLOCK}.json`]: text(block),
    });
    const r = svc(dir, ['validate']);
    expect(r.stdout).toContain('0 errors');
    expect(r.code).toBe(0);
  });

  it('an active subscription without its outputs: each missing field, in the subscription\'s file', () => {
    const dir = otterNetLoaded('sub-active', {
      'inventory/ProductDedicatedInternet/dia-0001.json': text(sub('active')),
      [`inventory/BlockDedicatedInternet/${BLOCK}.json`]: text(block),
    });
    const r = svc(dir, ['validate', '--format', 'json']);
    expect(r.code).toBe(1);
    const found = (JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; key: string }[] }).diagnostics.filter((d) => d.code === 'subscription/missing-field');
    expect(found.map((d) => d.key).sort()).toEqual(['dedicated_internet.customer_port', 'dedicated_internet.gateway_address', 'dedicated_internet.prefix', 'dedicated_internet.vlan']);
    expect(new Set(found.map((d) => d.file))).toEqual(new Set(['inventory/ProductDedicatedInternet/dia-0001.json']));
  });
});
