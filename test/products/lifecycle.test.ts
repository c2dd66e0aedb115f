import { refusal } from '../helpers/errors.js';
import { describe, expect, it } from 'vitest';
import { blockingDependencies, blockingDependents, dependentsMap, findDependencies, findDependents, SAFE_USED_BY_TRANSITIONS, statesAllowing } from '../../src/core/products/dependencies.js';
import { transition, TRANSITIONS, type TransitionContext } from '../../src/core/products/lifecycle.js';
import { LIFECYCLE_STATES, type LifecycleState } from '../../src/core/products/states.js';
import { subscriptionFromObject, subscriptionToObject, type Subscription } from '../../src/core/products/subscription.js';
import { provisionDia, world, type World } from './world.js';

const NOW = new Date('2026-03-04T05:06:07.000Z');

function ctx(w: World, subId: string, dependents: readonly Subscription[] = []): TransitionContext {
  const obj = w.objects.get(subId)!;
  const product = [...w.set.products.values()].find((p) => `Product${p.type}` === obj.kind)!;
  const root = obj.relationships[product.rootBlock];
  return { product, set: w.set, root: root && !Array.isArray(root) ? root : undefined, reader: w.reader, dependents, now: () => NOW };
}
const subOf = (w: World, id: string, status?: LifecycleState): Subscription => ({ ...subscriptionFromObject(w.objects.get(id)!), ...(status ? { status } : {}) });


describe('the allowed transitions', () => {
  const pairs = LIFECYCLE_STATES.flatMap((from) => LIFECYCLE_STATES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', (from, to) => {
    const w = world();
    provisionDia(w);
    const s = subOf(w, 'sub-dia', from);
    if (TRANSITIONS[from].includes(to)) {
      expect(transition(s, to, ctx(w, 'sub-dia')).subscription.status).toBe(to);
    } else {
      const e = refusal(() => transition(s, to, ctx(w, 'sub-dia')));
      expect(e.code).toBe('lifecycle/not-allowed');
      expect(e.exitCode).toBe(1);
      expect(e.message).toBe(`subscription sub-dia (dedicated internet 1000) cannot move from ${from} to ${to}`);
      expect(e.hint).toBe(from === 'terminated' ? 'terminated is final: nothing follows it' : `from ${from} it may move to: ${TRANSITIONS[from].join(', ')}`);
    }
  });

  it("follows SURF's workflows", () => {
    expect(TRANSITIONS).toEqual({
      initial: ['provisioning', 'terminated'],
      provisioning: ['active', 'initial', 'terminated'],
      active: ['provisioning', 'migrating', 'disabled', 'terminated'],
      migrating: ['active', 'terminated'],
      disabled: ['active', 'terminated'],
      terminated: [],
    });
  });
});

describe('fields required at the target state', () => {
  it('initial → provisioning needs every provisioning field; the refusal lists each', () => {
    const w = world();
    const blk = w.objects.get('blk-dia')!;
    w.put({ ...blk, attributes: {}, relationships: { subscription: blk.relationships.subscription! } });
    const e = refusal(() => transition(subOf(w, 'sub-dia'), 'provisioning', ctx(w, 'sub-dia')));
    expect(e.code).toBe('lifecycle/missing-fields');
    expect(e.message).toBe('subscription sub-dia (dedicated internet 1000) cannot become provisioning: 2 fields required at provisioning are missing: dedicated_internet.site, dedicated_internet.ip_package');
    expect(e.diagnostics.map((d) => d.key)).toEqual(['dedicated_internet.site', 'dedicated_internet.ip_package']);
  });

  it('provisioning → active needs the outputs too', () => {
    const w = world();
    const e = refusal(() => transition(subOf(w, 'sub-dia', 'provisioning'), 'active', ctx(w, 'sub-dia')));
    expect(e.message).toContain('4 fields required at active are missing: dedicated_internet.vlan, dedicated_internet.prefix, dedicated_internet.gateway_address, dedicated_internet.customer_port');
    provisionDia(w);
    expect(transition(subOf(w, 'sub-dia', 'provisioning'), 'active', ctx(w, 'sub-dia')).subscription.status).toBe('active');
  });

  it('a subscription without its root block cannot be provisioned', () => {
    const w = world();
    const obj = w.objects.get('sub-dia')!;
    w.put({ ...obj, relationships: {} });
    expect(refusal(() => transition(subOf(w, 'sub-dia'), 'provisioning', ctx(w, 'sub-dia'))).message).toContain('missing: dedicated_internet');
  });

  it('an empty list counts as missing', () => {
    const w = world();
    provisionDia(w);
    const blk = w.objects.get('blk-dia')!;
    w.put({ ...blk, relationships: { ...blk.relationships, site: [] } });
    expect(refusal(() => transition(subOf(w, 'sub-dia'), 'provisioning', ctx(w, 'sub-dia'))).message).toContain('dedicated_internet.site');
  });

  it('moving to a less demanding state (terminated) needs nothing more', () => {
    const w = world();
    const blk = w.objects.get('blk-dia')!;
    w.put({ ...blk, attributes: {} });
    expect(transition(subOf(w, 'sub-dia'), 'terminated', ctx(w, 'sub-dia')).subscription.status).toBe('terminated');
  });
});

describe('dates, from the injected clock', () => {
  it('→ active sets start_date once; → terminated sets end_date', () => {
    const w = world();
    provisionDia(w);
    const s = { ...subOf(w, 'sub-dia', 'provisioning') };
    delete s.start_date;
    const active = transition(s, 'active', ctx(w, 'sub-dia')).subscription;
    expect(active.start_date).toBe('2026-03-04T05:06:07.000Z');
    const again = transition({ ...active, status: 'provisioning', start_date: '2025-01-01T00:00:00.000Z' }, 'active', ctx(w, 'sub-dia')).subscription;
    expect(again.start_date).toBe('2025-01-01T00:00:00.000Z');
    const ended = transition(active, 'terminated', ctx(w, 'sub-dia')).subscription;
    expect(ended).toMatchObject({ status: 'terminated', end_date: '2026-03-04T05:06:07.000Z', start_date: '2026-03-04T05:06:07.000Z' });
  });

  it('the input is not changed', () => {
    const w = world();
    const s = subOf(w, 'sub-dia');
    const copy = structuredClone(s);
    transition(s, 'terminated', ctx(w, 'sub-dia'));
    expect(s).toEqual(copy);
  });
});

describe('dependencies between subscriptions', () => {
  it('finds the subscriptions that use one: the port on the node; a service on a plain interface uses none', () => {
    const w = world();
    provisionDia(w);
    expect(findDependents(w.reader, 'sub-node').map((s) => s.id)).toEqual(['sub-port']);
    expect(findDependents(w.reader, 'sub-port')).toEqual([]);
    expect(findDependents(w.reader, 'sub-dia')).toEqual([]);
  });

  it('dependentsMap answers for every subscription in one pass, reading each object at most once (validate asks for all)', () => {
    const w = world();
    provisionDia(w);
    const reads = new Map<string, number>();
    const counting = { ...w.reader, get: (id: string) => (reads.set(id, (reads.get(id) ?? 0) + 1), w.reader.get(id)), list: (k: string) => w.reader.list(k) };
    const map = dependentsMap(counting);
    expect(Object.fromEntries([...map].map(([used, users]) => [used, [...users]]))).toEqual({ 'sub-node': ['sub-port'] });
    expect([...reads.values()].every((n) => n === 1)).toBe(true);
    for (const id of ['sub-node', 'sub-port', 'sub-dia']) expect(findDependents(w.reader, id, map)).toEqual(findDependents(w.reader, id));
  });

  it('a node cannot be terminated while a port on it is active; the refusal names the port', () => {
    const w = world();
    const deps = findDependents(w.reader, 'sub-node');
    const e = refusal(() => transition(subOf(w, 'sub-node'), 'terminated', ctx(w, 'sub-node', deps)));
    expect(e.code).toBe('lifecycle/dependents');
    expect(e.message).toBe('subscription sub-node (node Nokia) cannot become terminated: it is in use by sub-port (port 10000, active)');
    expect(e.hint).toContain('move the subscriptions that use it first');
  });

  it('messages name subscriptions by their readable id when they have one', () => {
    const w = world();
    for (const [id, sid] of [['sub-node', 'node-0001'], ['sub-port', 'port-0001']] as const) {
      const o = w.objects.get(id)!;
      w.put({ ...o, attributes: { ...o.attributes, subscription_id: sid } });
    }
    const deps = findDependents(w.reader, 'sub-node');
    expect(refusal(() => transition(subOf(w, 'sub-node'), 'terminated', ctx(w, 'sub-node', deps))).message).toBe('subscription node-0001 (node Nokia) cannot become terminated: it is in use by port-0001 (port 10000, active)');
    const node = w.objects.get('sub-node')!;
    w.put({ ...node, attributes: { ...node.attributes, status: 'initial' } });
    expect(refusal(() => transition(subOf(w, 'sub-port', 'provisioning'), 'active', ctx(w, 'sub-port'))).message).toBe('subscription port-0001 (port 10000) cannot become active: it uses node-0001 (node Nokia, initial)');
  });

  it('once the port is terminated, the node may go', () => {
    const w = world();
    const port = w.objects.get('sub-port')!;
    w.put({ ...port, attributes: { ...port.attributes, status: 'terminated' } });
    const deps = findDependents(w.reader, 'sub-node');
    expect(transition(subOf(w, 'sub-node'), 'terminated', ctx(w, 'sub-node', deps)).subscription.status).toBe('terminated');
  });

  it("SURF's table of safe transitions, row by row", () => {
    expect(SAFE_USED_BY_TRANSITIONS).toEqual({
      initial: ['initial', 'terminated'],
      provisioning: ['initial', 'provisioning', 'active', 'terminated'],
      active: ['initial', 'provisioning', 'migrating', 'active', 'terminated', 'disabled'],
      migrating: ['initial', 'migrating', 'terminated'],
      disabled: ['initial', 'disabled', 'terminated'],
      terminated: ['initial', 'terminated'],
    });
    const dep = (status: LifecycleState): Subscription => ({ id: `d-${status}`, kind: 'ProductPort', product: 'port 1000', customer: 'c', status, insync: true, version: 1 });
    const all = LIFECYCLE_STATES.map(dep);
    for (const to of LIFECYCLE_STATES) {
      expect(blockingDependents(to, all).map((d) => d.status)).toEqual(LIFECYCLE_STATES.filter((s) => !SAFE_USED_BY_TRANSITIONS[to].includes(s)));
    }
  });

  it('finds the subscriptions one uses, from its own blocks: the port uses the node; the node and a service on a plain interface use none', () => {
    const w = world();
    provisionDia(w);
    const rootOf = (id: string, rel: string) => w.objects.get(id)!.relationships[rel] as { id: string; kind: string };
    expect(findDependencies(w.reader, 'sub-port', rootOf('sub-port', 'port')).map((s) => s.id)).toEqual(['sub-node']);
    expect(findDependencies(w.reader, 'sub-node', rootOf('sub-node', 'node'))).toEqual([]);
    expect(findDependencies(w.reader, 'sub-dia', rootOf('sub-dia', 'dedicated_internet'))).toEqual([]);
    expect(findDependencies(w.reader, 'sub-port', undefined)).toEqual([]);
  });

  it('a port cannot become active on a node that is still initial; the refusal names the node and the states it must be in', () => {
    const w = world();
    const node = w.objects.get('sub-node')!;
    w.put({ ...node, attributes: { ...node.attributes, status: 'initial' } });
    const e = refusal(() => transition(subOf(w, 'sub-port', 'provisioning'), 'active', ctx(w, 'sub-port')));
    expect(e.code).toBe('lifecycle/dependencies');
    expect(e.message).toBe('subscription sub-port (port 10000) cannot become active: it uses sub-node (node Nokia, initial)');
    expect(e.hint).toBe('a subscription it uses must be provisioning or active for it to be active: move that one first, then try again');
    // Nor be provisioned; but it may always be terminated.
    expect(refusal(() => transition(subOf(w, 'sub-port', 'initial'), 'provisioning', ctx(w, 'sub-port'))).code).toBe('lifecycle/dependencies');
    expect(transition(subOf(w, 'sub-port', 'provisioning'), 'terminated', ctx(w, 'sub-port')).subscription.status).toBe('terminated');
  });

  it('on an active node (or one being modified) the port becomes active', () => {
    const w = world();
    expect(transition(subOf(w, 'sub-port', 'provisioning'), 'active', ctx(w, 'sub-port')).subscription.status).toBe('active');
    const node = w.objects.get('sub-node')!;
    w.put({ ...node, attributes: { ...node.attributes, status: 'provisioning' } });
    expect(transition(subOf(w, 'sub-port', 'provisioning'), 'active', ctx(w, 'sub-port')).subscription.status).toBe('active');
    w.put({ ...node, attributes: { ...node.attributes, status: 'terminated' } });
    const e = refusal(() => transition(subOf(w, 'sub-port', 'provisioning'), 'active', ctx(w, 'sub-port')));
    expect(e.message).toContain('it uses sub-node (node Nokia, terminated)');
    expect(e.hint).toBe('a subscription it uses must be provisioning or active for it to be active: terminated is final, so use another one');
  });

  it('the same table from the other end: a move to each state, under a used subscription in each state', () => {
    const used = (status: LifecycleState): Subscription => ({ id: `u-${status}`, kind: 'ProductNode', product: 'node Nokia', customer: 'c', status, insync: true, version: 1 });
    const all = LIFECYCLE_STATES.map(used);
    for (const to of LIFECYCLE_STATES) {
      const allowing = LIFECYCLE_STATES.filter((s) => SAFE_USED_BY_TRANSITIONS[s].includes(to));
      expect(statesAllowing(to)).toEqual(allowing);
      expect(blockingDependencies(to, all).map((d) => d.status)).toEqual(LIFECYCLE_STATES.filter((s) => !allowing.includes(s)));
    }
    expect(statesAllowing('active')).toEqual(['provisioning', 'active']);
    expect(statesAllowing('terminated')).toEqual([...LIFECYCLE_STATES]);
  });

  it('disabling a node whose port is active is refused too', () => {
    const w = world();
    const deps = findDependents(w.reader, 'sub-node');
    expect(refusal(() => transition(subOf(w, 'sub-node'), 'disabled', ctx(w, 'sub-node', deps))).code).toBe('lifecycle/dependents');
  });
});

describe('subscriptions as inventory objects', () => {
  it('round-trips every subscription field', () => {
    const s: Subscription = {
      id: 'x', subscription_id: 'port-0007', kind: 'ProductPort', product: 'port 1000', customer: 'acme', status: 'disabled', description: 'd',
      start_date: '2026-01-01T00:00:00.000Z', end_date: '2026-02-01T00:00:00.000Z', insync: false, note: 'n', version: 7,
    };
    const obj = subscriptionToObject(s, { id: 'x', kind: 'ProductPort', attributes: { speed: 1000, note: 'old' }, relationships: { port: { id: 'b', kind: 'BlockPort' } } });
    expect(obj.attributes.speed).toBe(1000);
    expect(obj.relationships.port).toEqual({ id: 'b', kind: 'BlockPort' });
    expect(subscriptionFromObject(obj)).toEqual(s);
    const { note: _n, ...bare } = s;
    expect(subscriptionFromObject(subscriptionToObject(bare, obj))).toEqual(bare);
  });
});
