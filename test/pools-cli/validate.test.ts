import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objectPath } from '../../src/core/inventory/paths.js';
import { fromTemplate } from '../helpers/otter.js';
import { git, svc, writeTree } from '../helpers/repo.js';
import { loadedOtterNet, ok, writeSubscription } from './helpers.js';

interface Finding {
  code: string;
  message: string;
  file?: string;
  line?: number;
}

function validate(repo: string): { code: number; ok: boolean; findings: Finding[] } {
  const r = svc(repo, ['validate', '--format', 'json']);
  const body = JSON.parse(r.stdout) as { ok: boolean; diagnostics: (Finding & { severity: string })[] };
  return { code: r.code, ok: body.ok, findings: body.diagnostics.filter((d) => d.severity === 'error') };
}

/** Every file under the inventory with its bytes, to show a failing validate changed nothing. */
const snapshot = (repo: string): string => git(repo, 'status', '--porcelain', '--untracked-files=all') + git(repo, 'diff');

const RUN_1 = 'inventory/SvcGeneratorRun/dedicated_internet/aaaa000000000001.json';
const RUN_2 = 'inventory/SvcGeneratorRun/dedicated_internet/aaaa000000000002.json';

/** Two services generated and committed (made once for the file, copied per test). */
function generated(): string {
  return fromTemplate('pools-generated', () => {
    const repo = loadedOtterNet();
    writeSubscription(repo, 1, 'small');
    writeSubscription(repo, 2, 'small', 'par02');
    ok(svc(repo, ['generate']));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'two services');
    return repo;
  });
}

const edit = (repo: string, rel: string, from: string, to: string) => {
  const p = join(repo, rel);
  const text = readFileSync(p, 'utf8');
  expect(text).toContain(from);
  writeFileSync(p, text.replace(from, to));
};

describe('svc validate finds resources held twice', () => {
  it('passes on generated services, counting their allocation records', () => {
    const repo = generated();
    const r = svc(repo, ['validate']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/6 allocation records[,:].*: 0 errors/);
  });

  it('names both holders of a VLAN made twice by hand: the hand-made file, the run and its VLAN file', () => {
    const repo = generated();
    writeTree(repo, {
      'inventory/IpamVLAN/handmade.json': `${JSON.stringify({ id: 'cccc000000000001', name: 'handmade', vlan_id: 1000, status: 'active', role: 'customer', l2domain: 'default' }, null, 2)}\n`,
    });
    const before = snapshot(repo);
    const v = validate(repo);
    expect(v.code).toBe(1);
    const twice = v.findings.filter((f) => f.code === 'pools/held-twice');
    expect(twice).toHaveLength(1);
    expect(twice[0]!.message).toContain('number 1000 in pool "Customer vlan pool" is held twice');
    expect(twice[0]!.message).toContain('IpamVLAN "handmade" (inventory/IpamVLAN/handmade.json)');
    expect(twice[0]!.message).toContain(`allocation aaaa000000000001:vlan of generator dedicated_internet for ProductDedicatedInternet "dia-0001" (${RUN_1}; IpamVLAN "vlan__dia-0001" (inventory/IpamVLAN/vlan__dia-0001.json))`);
    expect(snapshot(repo)).toBe(before);
  });

  it('names both runs when two services hold one VLAN (as an old svc or a careless merge leaves it)', () => {
    const repo = generated();
    edit(repo, RUN_2, '"resource": "1001"', '"resource": "1000"');
    edit(repo, 'inventory/IpamVLAN/vlan__dia-0002.json', '"vlan_id": 1001', '"vlan_id": 1000');
    const v = validate(repo);
    expect(v.code).toBe(1);
    const twice = v.findings.filter((f) => f.code === 'pools/held-twice');
    expect(twice).toHaveLength(1);
    const m = twice[0]!.message;
    expect(m).toMatch(/^number 1000 in pool "Customer vlan pool" is held twice: by allocation aaaa000000000001:vlan .* and by allocation aaaa000000000002:vlan /);
    for (const f of [RUN_1, RUN_2, 'inventory/IpamVLAN/vlan__dia-0001.json', 'inventory/IpamVLAN/vlan__dia-0002.json']) expect(m).toContain(f);
    expect(m).toContain('ProductDedicatedInternet "dia-0002"');
    // The finding points at the record's own line in the second run file.
    expect(twice[0]!.file).toBe(RUN_2);
    expect(readFileSync(join(repo, RUN_2), 'utf8').split('\n')[twice[0]!.line! - 1]).toContain('"key": "aaaa000000000002:vlan"');
  });

  it('finds two hand-made prefixes overlapping inside the prefix pool, and ignores prefixes outside every pool', () => {
    const repo = loadedOtterNet();
    const prefix = (id: string, p: string) => ({
      [`inventory/${objectPath('IpamPrefix', id, ['default', p])}`]: `${JSON.stringify({ id, prefix: p, status: 'active', role: 'customer', member_type: 'address', is_pool: false, ip_namespace: { kind: 'IpamNamespace', hfid: 'default' } }, null, 2)}\n`,
    });
    writeTree(repo, { ...prefix('dddd000000000001', '203.0.113.0/28'), ...prefix('dddd000000000002', '203.0.113.8/29') });
    // Nested, but in no pool: not a pool's business.
    writeTree(repo, { ...prefix('dddd000000000003', '192.0.2.0/28'), ...prefix('dddd000000000004', '192.0.2.8/29') });
    const v = validate(repo);
    expect(v.code).toBe(1);
    const twice = v.findings.filter((f) => f.code === 'pools/held-twice');
    expect(twice.map((f) => f.message)).toEqual([
      `prefix 203.0.113.8/29 held by IpamPrefix "default / 203.0.113.8/29" (inventory/${objectPath('IpamPrefix', 'x', ['default', '203.0.113.8/29'])}) overlaps 203.0.113.0/28 held by IpamPrefix "default / 203.0.113.0/28" (inventory/${objectPath('IpamPrefix', 'x', ['default', '203.0.113.0/28'])})`,
    ]);
  });

  it('finds a customer port claimed by two services', () => {
    const repo = generated();
    const claimOf = (rel: string) => /"pool": "DcimInterfaceL2",\s*"key": "[^"]+",\s*"type": "claim",\s*"resource": "([0-9a-f]{16})"/.exec(readFileSync(join(repo, rel), 'utf8'))![1]!;
    edit(repo, RUN_2, `"resource": "${claimOf(RUN_2)}"`, `"resource": "${claimOf(RUN_1)}"`);
    const twice = validate(repo).findings.filter((f) => f.code === 'pools/held-twice');
    expect(twice).toHaveLength(1);
    expect(twice[0]!.message).toMatch(/^DcimInterfaceL2 [0-9a-f]{16} is held twice: by allocation aaaa000000000001:customer-port .* and by allocation aaaa000000000002:customer-port /);
  });
});
