import { refusal } from '../helpers/errors.js';
import { describe, expect, it } from 'vitest';
import { checkSubscriptions } from '../../src/core/products/check-subscriptions.js';
import { failOperation, finishOperation, startOperation } from '../../src/core/products/operations.js';
import { subscriptionFromObject, type Subscription } from '../../src/core/products/subscription.js';
import { provisionDia, world } from './world.js';

const product = (name: string) => world().set.products.get(name)!;
const dia = (over: Partial<Subscription> = {}): Subscription => ({
  id: 's1', kind: 'ProductDedicatedInternet', product: 'dedicated internet 100', customer: 'acme', status: 'active', insync: true, version: 3, ...over,
});

describe('insync and operations', () => {
  it('an operation marks the subscription out of sync while it runs and in sync when it finishes', () => {
    const running = startOperation(dia(), 'modify', product('dedicated internet'));
    expect(running.insync).toBe(false);
    expect(finishOperation(running)).toMatchObject({ insync: true, version: 4 });
  });

  it('after a failure, the next operation refuses and says how to resume', () => {
    const failed = failOperation(startOperation(dia(), 'modify', product('dedicated internet')), 'generator dia failed: no VLAN left');
    expect(failed.insync).toBe(false);
    const e = refusal(() => startOperation(failed, 'terminate', product('dedicated internet')));
    expect(e.code).toBe('operation/out-of-sync');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('subscription s1 (dedicated internet 100) is out of sync: a previous operation on it did not finish (generator dia failed: no VLAN left)');
    expect(e.hint).toContain('run terminate again with --resume');
    expect(startOperation(failed, 'terminate', product('dedicated internet'), { resume: true }).insync).toBe(false);
  });

  it('create runs on a new subscription, which starts out of sync', () => {
    expect(startOperation(dia({ status: 'initial', insync: false }), 'create', product('dedicated internet')).status).toBe('initial');
  });

  it('an operation runs only in the states it applies to', () => {
    const e = refusal(() => startOperation(dia({ status: 'terminated' }), 'modify', product('dedicated internet')));
    expect(e.code).toBe('operation/wrong-state');
    expect(e.message).toBe('subscription s1 (dedicated internet 100) is terminated: modify runs on active subscriptions only');
  });

  it('a disabled workflow is refused with where to enable it', () => {
    const e = refusal(() => startOperation(dia({ kind: 'ProductPort', product: 'port 1000' }), 'validate', product('port')));
    expect(e.code).toBe('operation/disabled');
    expect(e.hint).toContain('products/port.yml');
  });
});

describe('checking every subscription against its state (svc validate)', () => {
  it('a consistent inventory has no findings', () => {
    const w = world();
    provisionDia(w);
    expect(checkSubscriptions(w.set, w.reader)).toEqual([]);
  });

  it('an active subscription missing outputs, an unknown variant, a bad status', () => {
    const w = world();
    const o = w.objects.get('sub-dia')!;
    w.put({ ...o, attributes: { ...o.attributes, status: 'active', start_date: '2026-01-01T00:00:00Z', product: 'dedicated internet 300' } });
    const p = w.objects.get('sub-port')!;
    w.put({ ...p, attributes: { ...p.attributes, status: 'gone' } });
    const found = checkSubscriptions(w.set, w.reader);
    expect(found.map((d) => `${d.subject} ${d.code} ${d.key ?? ''}`)).toEqual([
      'sub-dia subscription/unknown-variant product',
      'sub-dia subscription/missing-field dedicated_internet.vlan',
      'sub-dia subscription/missing-field dedicated_internet.prefix',
      'sub-dia subscription/missing-field dedicated_internet.gateway_address',
      'sub-dia subscription/missing-field dedicated_internet.customer_port',
      'sub-port subscription/invalid-status status',
    ]);
    expect(found[1]!.message).toBe('subscription sub-dia is active but dedicated_internet.vlan is missing');
  });

  it('a terminated node under an active port is reported, as are missing dates', () => {
    const w = world();
    const n = w.objects.get('sub-node')!;
    w.put({ ...n, attributes: { ...n.attributes, status: 'terminated' } });
    const found = checkSubscriptions(w.set, w.reader);
    expect(found.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning subscription/no-end-date', 'error subscription/unsafe-dependent']);
    expect(found[1]!.message).toBe('subscription sub-node is terminated while sub-port (port 10000), which uses it, is active');
    expect(subscriptionFromObject(w.objects.get('sub-node')!).status).toBe('terminated');
  });
});
