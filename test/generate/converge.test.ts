import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, writeTree } from '../helpers/repo.js';
import {
  addSubscriptions,
  blockPath,
  commit,
  editJson,
  filesOf,
  GENERATED_KINDS,
  generate,
  generateJson,
  implementation,
  inventoryTree,
  otterNet,
  readJson,
  snapshot,
  subscriptionPath,
} from './world.js';

/** A catalog with dia-0001 (small, par01) generated and committed. */
function generatedOne(): string {
  const repo = otterNet();
  addSubscriptions(repo, [{ sid: 'dia-0001' }]);
  commit(repo, 'subscription dia-0001');
  const r = generateJson(repo);
  expect(r.targets.map((t) => [t.label, t.outcome, t.lifecycle?.to])).toEqual([['ProductDedicatedInternet dia-0001', 'generated', 'active']]);
  commit(repo, 'generated');
  return repo;
}

describe('svc generate: convergence', () => {
  it('implements a subscription and a second run changes not one byte', () => {
    const repo = otterNet();
    addSubscriptions(repo, [{ sid: 'dia-0001' }]);
    commit(repo, 'subscription');

    const first = generateJson(repo);
    expect(first.applied).toBe(true);
    expect(implementation(repo, 'dia-0001')).toEqual({ vlan: 1000, prefix: '198.51.100.0/29', gateway: '198.51.100.1/29', port: 'sw01-par01/Ethernet1/1' });
    expect(readJson(repo, subscriptionPath('dia-0001')).status).toBe('active');
    const port = readJson(repo, 'inventory/DcimInterfaceL2/sw01-par01/ethernet1-1~12804403.json');
    expect(port).toMatchObject({ status: 'active', l2_mode: 'Access', speed: 1000, enabled: true, untagged_vlan: 'vlan__dia-0001' });
    expect(filesOf(repo, 'DcimInterfaceL3/rt01-par01')).toContain('inventory/DcimInterfaceL3/rt01-par01/vlan1000.json');

    const after = snapshot(repo);
    const second = generateJson(repo);
    expect(second).toMatchObject({ applied: false, upToDate: true, files: { written: [], deleted: [] } });
    expect(snapshot(repo)).toEqual(after);

    // Committed, a third run leaves a clean work tree and --check agrees.
    commit(repo, 'generated');
    expect(generate(repo).code).toBe(0);
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(generate(repo, '--check').code).toBe(0);
  });

  it('ip_package small → large swaps the /29 for a /27 and frees the old prefix for the next service', () => {
    const repo = generatedOne();
    const oldPrefixFiles = filesOf(repo, 'IpamPrefix').filter((p) => p.includes('198.51.100.0-29'));
    const oldGateway = filesOf(repo, 'IpamIPAddress');
    expect(oldPrefixFiles).toHaveLength(1);
    expect(oldGateway).toHaveLength(1);

    editJson(repo, blockPath('dia-0001'), (b) => (b.ip_package = 'large'));
    commit(repo, 'bigger package');
    const r = generateJson(repo);
    for (const f of [...oldPrefixFiles, ...oldGateway]) expect(r.files.deleted).toContain(f.slice('inventory/'.length));

    const now = implementation(repo, 'dia-0001');
    expect(now.prefix).toMatch(/\/27$/);
    expect(now.gateway).toBe(`${now.prefix.replace(/\.\d+\/27$/, '')}.${Number(now.prefix.split('/')[0]!.split('.')[3]) + 1}/27`);
    expect(now.vlan).toBe(1000);
    expect(now.port).toBe('sw01-par01/Ethernet1/1');
    const tree = inventoryTree(repo);
    expect(Object.keys(tree).filter((p) => p.includes('198.51.100.0-29'))).toEqual([]);
    expect(filesOf(repo, 'IpamPrefix').filter((p) => p.endsWith('.json') && p.includes('-27'))).toHaveLength(1);
    expect(filesOf(repo, 'IpamIPAddress')).toHaveLength(1);
    const run = Object.entries(tree).find(([p]) => p.startsWith('inventory/SvcGeneratorRun/'))![1];
    const allocations = (JSON.parse(run) as { allocations: { type: string; resource: string }[] }).allocations;
    expect(allocations.filter((a) => a.type === 'prefix').map((a) => a.resource)).toEqual([now.prefix]);

    // The old /29 is free again: the next service gets it, unless the /27 now covers it.
    commit(repo, 'regenerated');
    addSubscriptions(repo, [{ sid: 'dia-0002' }]);
    generateJson(repo);
    const next = implementation(repo, 'dia-0002').prefix;
    expect(next).toBe(now.prefix === '198.51.100.0/27' ? '198.51.100.32/29' : '198.51.100.0/29');
    expect(generateJson(repo).upToDate).toBe(true);
  });

  for (const how of ['terminated', 'deleted'] as const) {
    it(`a ${how} subscription: every generated object goes, the port gets its bootstrap bytes back, VLAN and prefix are free`, () => {
      const repo = otterNet();
      const bootstrap = inventoryTree(repo);
      addSubscriptions(repo, [{ sid: 'dia-0001' }]);
      commit(repo, 'subscription');
      generateJson(repo);
      commit(repo, 'generated');
      const blockBefore = inventoryTree(repo)[blockPath('dia-0001')];

      if (how === 'terminated') editJson(repo, subscriptionPath('dia-0001'), (s) => (s.status = 'terminated'));
      else {
        rmSync(join(repo, subscriptionPath('dia-0001')));
        rmSync(join(repo, blockPath('dia-0001')));
      }
      const r = generateJson(repo);
      expect(r.targets.map((t) => t.outcome)).toEqual(['released']);

      const tree = inventoryTree(repo);
      for (const kind of GENERATED_KINDS) expect(Object.keys(tree).filter((p) => p.startsWith(`inventory/${kind}/`))).toEqual([]);
      // Everything the bootstrap loaded is back, byte for byte (the port and the edge router included).
      const left = Object.fromEntries(Object.entries(tree).filter(([p]) => !p.startsWith('inventory/ProductDedicatedInternet/') && !p.startsWith('inventory/BlockDedicatedInternet/')));
      expect(left).toEqual(bootstrap);
      if (how === 'terminated') {
        // The block lets go of the outputs the generator filled in.
        expect(tree[blockPath('dia-0001')]).not.toBe(blockBefore);
        expect(readJson(repo, blockPath('dia-0001'))).not.toHaveProperty('customer_port');
      }
      expect(generateJson(repo).upToDate).toBe(true);

      // The VLAN, the prefix and the port go to the next service.
      commit(repo, 'released');
      addSubscriptions(repo, [{ sid: 'dia-0002' }]);
      generateJson(repo);
      expect(implementation(repo, 'dia-0002')).toEqual({ vlan: 1000, prefix: '198.51.100.0/29', gateway: '198.51.100.1/29', port: 'sw01-par01/Ethernet1/1' });
    });
  }

  it('two targets never delete each other\'s objects: releasing one leaves the other intact', () => {
    const repo = otterNet();
    addSubscriptions(repo, [{ sid: 'dia-0001' }, { sid: 'dia-0002' }]);
    generateJson(repo);
    commit(repo, 'two services');
    const keep = implementation(repo, 'dia-0002');
    const before = inventoryTree(repo);

    editJson(repo, subscriptionPath('dia-0001'), (s) => (s.status = 'terminated'));
    generateJson(repo);
    const after = inventoryTree(repo);
    expect(implementation(repo, 'dia-0002')).toEqual(keep);
    const mine = Object.keys(before).filter((p) => p.includes('dia-0002') || p.includes(keep.prefix.replace('/', '-')));
    expect(mine.length).toBeGreaterThan(0);
    for (const p of mine) expect(after[p]).toBe(before[p]);
    expect(generateJson(repo).upToDate).toBe(true);
  });

  it('an object several targets produce survives until the last of them lets go', () => {
    const repo = otterNet();
    writeTree(repo, {
      'generators/shared.ts': `import type { GeneratorSdk } from 'svc/sdk';

export default async function generate(sdk: GeneratorSdk): Promise<void> {
  await sdk.upsert('IpamL2Domain', { attributes: { name: 'shared', description: 'one domain for every service' } });
}
`,
    });
    // First in the list: the config goes on with other keys after generator_definitions.
    const config = join(repo, '.orchestrator.yml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('generator_definitions:\n', 'generator_definitions:\n  - name: shared\n    file_path: generators/shared.ts\n    targets: dedicated internet\n'));
    addSubscriptions(repo, [{ sid: 'dia-0001' }, { sid: 'dia-0002' }]);
    generateJson(repo);
    const shared = join(repo, 'inventory/IpamL2Domain/shared.json');
    expect(existsSync(shared)).toBe(true);
    const bytes = inventoryTree(repo)['inventory/IpamL2Domain/shared.json'];

    editJson(repo, subscriptionPath('dia-0001'), (s) => (s.status = 'terminated'));
    generateJson(repo);
    expect(inventoryTree(repo)['inventory/IpamL2Domain/shared.json']).toBe(bytes);

    editJson(repo, subscriptionPath('dia-0002'), (s) => (s.status = 'terminated'));
    const last = generateJson(repo);
    expect(last.files.deleted).toContain('IpamL2Domain/shared.json');
    expect(existsSync(shared)).toBe(false);
    expect(generateJson(repo).upToDate).toBe(true);
  });
});
