import { writeFileSync } from 'node:fs';
import { writeTree } from '../helpers/repo.js';
import { describe, expect, it } from 'vitest';
import { addSubscriptions, commit, editJson, generate, generateJson, implementation, inventoryTree, otterNet, readJson, snapshot, subscriptionId } from './world.js';

describe('svc generate: options', () => {
  it('--dry-run shows what would change and writes nothing', () => {
    const repo = otterNet();
    addSubscriptions(repo, [{ sid: 'dia-0001' }]);
    commit(repo, 'subscription');
    const before = snapshot(repo);

    const text = generate(repo, '--dry-run');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('dedicated_internet  ProductDedicatedInternet dia-0001  generated  provisioning → active');
    expect(text.stdout).toContain('write  IpamVLAN/vlan__dia-0001.json');
    expect(text.stdout).toMatch(/dry run: 9 file\(s\) would be written, 0 deleted/);
    const json = generateJson(repo, '--dry-run');
    expect(json.applied).toBe(false);
    expect(json.upToDate).toBe(false);
    expect(json.files.written).toContain('ServiceDedicatedInternet/dia-0001.json');
    expect(snapshot(repo)).toEqual(before);
  });

  it('--check exits 1 with the changes while the inventory lags, 0 once it matches; it never writes', () => {
    const repo = otterNet();
    addSubscriptions(repo, [{ sid: 'dia-0001' }]);
    commit(repo, 'subscription');
    const before = snapshot(repo);

    const lagging = generate(repo, '--check');
    expect(lagging.code).toBe(1);
    expect(lagging.stdout).toContain('write  IpamVLAN/vlan__dia-0001.json');
    expect(lagging.stdout).toContain('the inventory is not what the generators produce');
    expect(snapshot(repo)).toEqual(before);

    expect(generate(repo).code).toBe(0);
    commit(repo, 'generated');
    const ok = generate(repo, '--check', '--format', 'json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ upToDate: true, files: { written: [], deleted: [] } });
    // A run with nothing to do says so for each target, not "generated".
    const noop = generate(repo);
    expect(noop.stdout).toContain('dedicated_internet  ProductDedicatedInternet dia-0001  up to date');
    expect(noop.stdout).not.toContain('generated');

    // A hand edit to a generated object is drift: --check reports it and the next run repairs it.
    const vlanFile = `${repo}/inventory/IpamVLAN/vlan__dia-0001.json`;
    const tree = inventoryTree(repo);
    writeFileSync(vlanFile, tree['inventory/IpamVLAN/vlan__dia-0001.json']!.replace('"active"', '"reserved"'));
    const drift = generate(repo, '--check');
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('write  IpamVLAN/vlan__dia-0001.json');
    expect(generate(repo).code).toBe(0);
    expect(inventoryTree(repo)).toEqual(tree);
  });

  it('--target runs one subscription (by hfid or id); --generator filters; an unknown generator is exit 2 with a suggestion', () => {
    const repo = otterNet();
    addSubscriptions(repo, [{ sid: 'dia-0001' }, { sid: 'dia-0002' }]);
    commit(repo, 'subscriptions');

    const one = generateJson(repo, '--target', 'dia-0002');
    expect(one.targets.map((t) => t.label)).toEqual(['ProductDedicatedInternet dia-0002']);
    expect(implementation(repo, 'dia-0002').vlan).toBe(1000);
    expect(implementation(repo, 'dia-0001').vlan).toBeUndefined();

    const byId = generateJson(repo, '--target', subscriptionId('dia-0001'), '--generator', 'dedicated_internet');
    expect(byId.targets.map((t) => t.label)).toEqual(['ProductDedicatedInternet dia-0001']);
    expect(implementation(repo, 'dia-0001').vlan).toBe(1001);
    expect(generateJson(repo).upToDate).toBe(true);

    const before = snapshot(repo);
    const unknown = generate(repo, '--generator', 'dedicated_internt');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no generator named "dedicated_internt"');
    expect(unknown.stderr).toMatch(/did you mean.*dedicated_internet/i);
    expect(snapshot(repo)).toEqual(before);

    // A target that matches nothing is a usage error (a typo must not read as "up to date"), and changes nothing.
    const none = generate(repo, '--target', 'dia-9999');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error[generate/no-such-target]: nothing to generate for "dia-9999": no object with that id or human-friendly id is a target');
    expect(snapshot(repo)).toEqual(before);
  });
});

describe('svc generate: determinism', () => {
  it('two fresh copies generating the same subscriptions, written in a different order, are byte-identical', () => {
    const specs = [
      { sid: 'dia-0001' },
      { sid: 'dia-0002', site: 'ber01', ipPackage: 'large' as const },
      { sid: 'dia-0003', ipPackage: 'medium' as const, bandwidth: 100 },
      { sid: 'dia-0004', site: 'par02' },
      { sid: 'dia-0005' },
    ];
    const a = otterNet();
    const b = otterNet();
    addSubscriptions(a, specs);
    addSubscriptions(b, [...specs].reverse());
    generateJson(a);
    generateJson(b);
    const ta = inventoryTree(a);
    expect(inventoryTree(b)).toEqual(ta);
    expect(Object.keys(ta).filter((p) => p.startsWith('inventory/ServiceDedicatedInternet/'))).toHaveLength(5);
  });
});

describe('svc generate: products without a generator', () => {
  // A node left in provisioning without its loopback (as an older svc made them): nothing but an edit can complete it.
  const NODE = 'inventory/ProductNode/node-0001.json';
  const BLOCK = 'inventory/BlockNode/00000000000000b1.json';
  const node = (repo: string) => {
    const sub = { id: '00000000000000a1', subscription_id: 'node-0001', product: 'node Nokia', customer: 'otter', status: 'provisioning', insync: true, version: 1, vendor: 'Nokia', node: { id: '00000000000000b1' } };
    const block = { id: '00000000000000b1', node_name: 'pe-01', site: 'par01', subscription: { kind: 'ProductNode', hfid: 'node-0001' } };
    writeTree(repo, { [NODE]: `${JSON.stringify(sub, null, 2)}\n`, [BLOCK]: `${JSON.stringify(block, null, 2)}\n` });
  };

  it('a subscription in provisioning says what it waits for, and becomes active once it is edited in', () => {
    const repo = otterNet();
    node(repo);
    commit(repo, 'a node in provisioning');
    const waiting = generateJson(repo);
    expect(waiting.upToDate).toBe(true);
    expect(waiting.targets).toEqual([expect.objectContaining({ generator: null, label: 'ProductNode node-0001', outcome: 'checked', pending: expect.stringContaining('loopback_ipv4') })]);
    expect(waiting.targets[0]!.lifecycle).toBeUndefined();
    expect(generate(repo, '--check').code).toBe(0);

    editJson(repo, BLOCK, (o) => (o.loopback_ipv4 = '10.255.0.1/32'));
    commit(repo, 'its loopback');
    const check = generate(repo, '--check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('write  ProductNode/node-0001.json');
    // Only the named generator: the node is not looked at.
    const before = snapshot(repo);
    expect(generateJson(repo, '--generator', 'dedicated_internet')).toMatchObject({ upToDate: true, targets: [] });
    const notIts = generate(repo, '--generator', 'dedicated_internet', '--target', 'node-0001');
    expect(notIts.code).toBe(2);
    expect(notIts.stderr).toContain('no object with that id or human-friendly id is a target of the generators named');
    expect(snapshot(repo)).toEqual(before);
    expect(generateJson(repo, '--dry-run', '--target', 'node-0001').targets.map((t) => [t.label, t.lifecycle?.to])).toEqual([['ProductNode node-0001', 'active']]);

    const text = generate(repo);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('(no generator)  ProductNode node-0001  checked  provisioning → active');
    expect(readJson(repo, NODE)).toMatchObject({ status: 'active', start_date: '2026-01-01T00:00:00.000Z' });
    commit(repo, 'generated');
    expect(generateJson(repo)).toMatchObject({ upToDate: true, targets: [] });
  });
});
