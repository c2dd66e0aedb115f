import { describe, expect, it } from 'vitest';
import { semanticDiff, type FileChange } from '../../src/core/diff/index.js';
import { objectPath } from '../../src/core/inventory/paths.js';
import { added, BLOCK, id, modified, otterSchema, PORT, portClaim, removed, run, RUN, SUB, subscription, text, VLAN_POOL, vlanRecord } from './helpers.js';

const schema = otterSchema();
const DEV = id('DcimDevice', ['sw01-par01']);
const device = (extra: Record<string, unknown> = {}) => ({ id: DEV, name: 'sw01-par01', role: 'core', index: 1, status: 'active', location: 'par01', ...extra });
const devPath = (name: string) => objectPath('DcimDevice', DEV, [name]);
const port = (deviceName: string, extra: Record<string, unknown> = {}) => ({ id: PORT, name: 'Ethernet1/1', status: 'free', role: 'customer', enabled: false, device: deviceName, ...extra });
const portPath = (deviceName: string) => objectPath('DcimInterfaceL2', PORT, [deviceName, 'Ethernet1/1']);
const VLAN = id('IpamVLAN', ['vlan__dia-0001']);
const vlan = { id: VLAN, name: 'vlan__dia-0001', vlan_id: 1000, status: 'active', l2domain: 'default' };
const runPath = `SvcGeneratorRun/dedicated_internet/${SUB}.json`;
const subPath = 'ProductDedicatedInternet/dia-0001.json';

describe('semanticDiff: objects', () => {
  it('groups added, changed and removed objects by kind (sorted), each attribute old → new in schema order', () => {
    const d = semanticDiff(schema, [
      modified(devPath('sw01-par01'), device(), device({ status: 'maintenance', description: 'core switch' })),
      added('IpamVLAN/vlan__dia-0001.json', vlan),
      removed('LocationSite/par02.json', { id: id('LocationSite', ['par02']), name: 'par02', status: 'active' }),
    ]);
    expect(d.kinds.map((k) => [k.kind, k.added, k.changed, k.removed])).toEqual([
      ['DcimDevice', 0, 1, 0],
      ['IpamVLAN', 1, 0, 0],
      ['LocationSite', 0, 0, 1],
    ]);
    expect(d.summary).toEqual({ added: 1, changed: 1, removed: 1 });
    const dev = d.kinds[0]!.objects[0]!;
    expect(dev).toMatchObject({ change: 'changed', kind: 'DcimDevice', id: DEV, hfid: ['sw01-par01'], label: 'sw01-par01', path: 'DcimDevice/sw01-par01.json' });
    // description comes before status in the schema, whatever order the file keys had.
    expect(dev.attributes).toEqual([
      { name: 'description', before: undefined, after: 'core switch' },
      { name: 'status', before: 'active', after: 'maintenance' },
    ]);
    const v = d.kinds[1]!.objects[0]!;
    expect(v.attributes.map((a) => [a.name, a.before, a.after])).toEqual([
      ['name', undefined, 'vlan__dia-0001'],
      ['vlan_id', undefined, 1000],
      ['status', undefined, 'active'],
    ]);
    expect(v.relationships).toEqual([{ name: 'l2domain', cardinality: 'one', added: [{ kind: 'IpamL2Domain', hfid: ['default'], label: 'default' }], removed: [] }]);
    const site = d.kinds[2]!.objects[0]!;
    expect(site).toMatchObject({ change: 'removed', label: 'par02' });
    expect(site.attributes.map((a) => [a.name, a.before, a.after])).toEqual([
      ['name', 'par02', undefined],
      ['status', 'active', undefined],
    ]);
  });

  it('names an object by the hfid its file gives, through a relationship when the hfid walks one', () => {
    const d = semanticDiff(schema, [added(portPath('sw01-par01'), port('sw01-par01'))]);
    expect(d.kinds[0]!.objects[0]).toMatchObject({ hfid: ['sw01-par01', 'Ethernet1/1'], label: 'sw01-par01 / Ethernet1/1' });
  });

  it('names an object without hfid by its id, and a reference by id with its kind and the label it has in the change', () => {
    const block = { id: BLOCK, ip_package: 'small', site: 'par01', subscription: { kind: 'ProductDedicatedInternet', hfid: 'dia-0001' } };
    const sub = subscription('provisioning', { dedicated_internet: { id: BLOCK } });
    const d = semanticDiff(schema, [added(`BlockDedicatedInternet/${BLOCK}.json`, block), added(subPath, sub)]);
    const b = d.kinds.find((k) => k.kind === 'BlockDedicatedInternet')!.objects[0]!;
    expect(b.label).toBe(BLOCK);
    expect(b.hfid).toBeUndefined();
    const s = d.kinds.find((k) => k.kind === 'ProductDedicatedInternet')!.objects[0]!;
    expect(s.relationships[0]!.added).toEqual([{ kind: 'BlockDedicatedInternet', id: BLOCK, label: BLOCK }]);
  });

  it('shows a rename (same id, new path) as one renamed change, and does not re-link objects that name the renamed one', () => {
    const d = semanticDiff(schema, [
      removed(devPath('sw01-par01'), device()),
      added(devPath('sw09-par01'), device({ name: 'sw09-par01' })),
      removed(portPath('sw01-par01'), port('sw01-par01')),
      added(portPath('sw09-par01'), port('sw09-par01')),
    ]);
    expect(d.summary).toEqual({ added: 0, changed: 2, removed: 0 });
    const dev = d.kinds[0]!.objects[0]!;
    expect(dev).toMatchObject({ change: 'renamed', label: 'sw09-par01', previousLabel: 'sw01-par01', path: 'DcimDevice/sw09-par01.json', previousPath: 'DcimDevice/sw01-par01.json' });
    expect(dev.attributes).toEqual([{ name: 'name', before: 'sw01-par01', after: 'sw09-par01' }]);
    const p = d.kinds[1]!.objects[0]!;
    expect(p).toMatchObject({ change: 'renamed', label: 'sw09-par01 / Ethernet1/1', previousLabel: 'sw01-par01 / Ethernet1/1' });
    expect(p.attributes).toEqual([]);
    expect(p.relationships).toEqual([]);
  });

  it('lists relationship peers added and removed; a `one` relationship that moves has one of each', () => {
    const d = semanticDiff(schema, [
      modified(devPath('sw01-par01'), device({ tags: ['blue', 'red'] }), device({ location: 'par02', tags: ['green', 'red'] })),
    ]);
    expect(d.kinds[0]!.objects[0]!.relationships).toEqual([
      { name: 'location', cardinality: 'one', added: [{ kind: 'LocationSite', hfid: ['par02'], label: 'par02' }], removed: [{ kind: 'LocationSite', hfid: ['par01'], label: 'par01' }] },
      { name: 'tags', cardinality: 'many', added: [{ kind: 'BuiltinTag', hfid: ['green'], label: 'green' }], removed: [{ kind: 'BuiltinTag', hfid: ['blue'], label: 'blue' }] },
    ]);
  });

  it('does not report a peer that stays when that peer is itself removed or added in the change', () => {
    const red = id('BuiltinTag', ['red']);
    const d = semanticDiff(schema, [
      modified(devPath('sw01-par01'), device({ tags: ['blue', 'red'] }), device({ tags: ['green', 'red'] })),
      removed('BuiltinTag/red.json', { id: red, name: 'red' }),
    ]);
    const rels = d.kinds.find((k) => k.kind === 'DcimDevice')!.objects[0]!.relationships;
    expect(rels.map((r) => [r.name, r.added.map((p) => p.label), r.removed.map((p) => p.label)])).toEqual([['tags', ['green'], ['blue']]]);
  });

  it('ignores a file whose text changed but whose meaning did not (key order, spacing)', () => {
    const before = text(device());
    const after = JSON.stringify(Object.assign({ status: 'active' }, device()));
    expect(semanticDiff(schema, [{ path: devPath('sw01-par01'), before, after }]).kinds).toEqual([]);
  });

  it('lists files that are not readable objects by path, without guessing', () => {
    const d = semanticDiff(schema, [
      { path: 'README.md', before: null, after: '# notes\n' },
      { path: devPath('sw01-par01'), before: text(device()), after: '{ "id": ' },
      { path: 'NoSuchKind/x.json', before: text({ id: DEV }), after: null },
    ]);
    expect(d.kinds).toEqual([]);
    expect(d.files.map((f) => [f.path, f.change])).toEqual([
      ['DcimDevice/sw01-par01.json', 'modified'],
      ['NoSuchKind/x.json', 'removed'],
      ['README.md', 'added'],
    ]);
    expect(d.files[0]!.problem).toMatch(/not valid JSON/);
    expect(d.files[1]!.problem).toMatch(/unknown kind "NoSuchKind"/);
  });

  it('is deterministic: the order of the input does not matter', () => {
    const changes: FileChange[] = [
      added('IpamVLAN/vlan__dia-0001.json', vlan),
      modified(devPath('sw01-par01'), device(), device({ status: 'maintenance' })),
      added(subPath, subscription('provisioning')),
      added(runPath, run([vlanRecord('1000'), portClaim()])),
    ];
    expect(semanticDiff(schema, [...changes].reverse())).toEqual(semanticDiff(schema, changes));
  });
});

describe('semanticDiff: call-outs and bookkeeping', () => {
  it('calls out a subscription lifecycle move, a new subscription, and nothing for other edits', () => {
    const moved = semanticDiff(schema, [modified(subPath, subscription('provisioning'), subscription('active'))]);
    expect(moved.lifecycle).toEqual([{ kind: 'ProductDedicatedInternet', id: SUB, label: 'dia-0001', product: 'dedicated internet 1000', from: 'provisioning', to: 'active' }]);
    const created = semanticDiff(schema, [added(subPath, subscription('provisioning'))]);
    expect(created.lifecycle).toMatchObject([{ from: null, to: 'provisioning' }]);
    const edited = semanticDiff(schema, [modified(subPath, subscription('active'), subscription('active', { note: 'vip' }))]);
    expect(edited.lifecycle).toEqual([]);
    expect(edited.summary.changed).toBe(1);
  });

  it('calls out allocations with the pool name from a pool among the inputs, and the claimed object and target by label', () => {
    const d = semanticDiff(schema, [
      added(runPath, run([vlanRecord('1000'), portClaim()])),
      modified(subPath, subscription('provisioning'), subscription('active')),
      modified(portPath('sw01-par01'), port('sw01-par01'), port('sw01-par01', { status: 'active' })),
      modified('CoreNumberPool/customer-vlan-pool~eaf8af79.json', { id: VLAN_POOL, name: 'Customer vlan pool', node: 'IpamVLAN', node_attribute: 'vlan_id', start_range: 1000, end_range: 1999 }, { id: VLAN_POOL, name: 'Customer vlan pool', node: 'IpamVLAN', node_attribute: 'vlan_id', start_range: 1000, end_range: 2999 }),
    ]);
    expect(d.allocations).toEqual([
      { action: 'allocated', type: 'claim', resource: PORT, resourceLabel: 'sw01-par01 / Ethernet1/1', pool: 'DcimInterfaceL2', poolLabel: 'DcimInterfaceL2', key: `${SUB}:customer-port`, purpose: 'customer-port', generator: 'dedicated_internet', target: SUB, targetLabel: 'dia-0001' },
      { action: 'allocated', type: 'number', resource: '1000', pool: VLAN_POOL, poolLabel: 'Customer vlan pool', key: `${SUB}:vlan`, purpose: 'vlan', generator: 'dedicated_internet', target: SUB, targetLabel: 'dia-0001' },
    ]);
  });

  it('names a pool that is not among the inputs through the lookup, and leaves it as an id without one', () => {
    const changes = [modified(runPath, run([vlanRecord('1000')]), run([vlanRecord('1001')]))];
    const named = semanticDiff(schema, changes, { labelOf: (x) => (x === VLAN_POOL ? 'Customer vlan pool' : undefined) });
    // The same key holding another number: the old one is given back, the new one taken.
    expect(named.allocations.map((a) => [a.action, a.resource, a.poolLabel])).toEqual([
      ['allocated', '1001', 'Customer vlan pool'],
      ['released', '1000', 'Customer vlan pool'],
    ]);
    const bare = semanticDiff(schema, changes);
    expect(bare.allocations[0]!.poolLabel).toBeUndefined();
    expect(bare.allocations[0]!.targetLabel).toBeUndefined();
  });

  it('releases every allocation of a run that is removed', () => {
    const d = semanticDiff(schema, [removed(runPath, run([vlanRecord('1000'), portClaim()]))]);
    expect(d.allocations.map((a) => [a.action, a.purpose])).toEqual([
      ['released', 'customer-port'],
      ['released', 'vlan'],
    ]);
  });

  it('hides the bookkeeping kind unless asked for, and still counts it', () => {
    const changes = [added(runPath, run([vlanRecord('1000')])), added('IpamVLAN/vlan__dia-0001.json', vlan)];
    const d = semanticDiff(schema, changes);
    expect(d.kinds.map((k) => k.kind)).toEqual(['IpamVLAN']);
    expect(d.hidden).toEqual([{ kind: 'SvcGeneratorRun', objects: 1 }]);
    expect(d.summary.added).toBe(1);
    expect(d.allocations).toHaveLength(1);
    const all = semanticDiff(schema, changes, { all: true });
    expect(all.kinds.map((k) => k.kind)).toEqual(['IpamVLAN', 'SvcGeneratorRun']);
    expect(all.kinds[1]!.objects[0]).toMatchObject({ id: RUN, label: `dedicated_internet / ${SUB}` });
    expect(all.hidden).toEqual([]);
    expect(all.summary.added).toBe(2);
  });
});
