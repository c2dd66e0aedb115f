import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, svc, tempDir, writeTree, type RunResult } from '../helpers/repo.js';
import { generated, gitState, otterWithSubscription } from './repos.js';

interface DiffJson {
  format: string;
  base: { rev: string; commit: string | null };
  head: { rev: string; commit: string | null };
  summary: { added: number; changed: number; removed: number };
  lifecycle: { label: string; from: string | null; to: string | null }[];
  allocations: { action: string; type: string; resource: string; resourceLabel: string | null; poolLabel: string | null; purpose: string; targetLabel: string | null }[];
  kinds: { kind: string; added: number; changed: number; removed: number; objects: { change: string; label: string; path: string; previousLabel: string | null; attributes: { name: string; before: unknown; after: unknown }[]; relationships: { name: string }[] }[] }[];
  hidden: { kind: string; objects: number }[];
  files: { path: string; change: string }[];
}

const ok = (r: RunResult): string => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
};
const diffJson = (dir: string, args: string[] = []): DiffJson => JSON.parse(ok(svc(dir, ['diff', ...args, '--format', 'json']))) as DiffJson;
const counts = (d: DiffJson) => d.kinds.map((k) => `${k.kind} +${k.added} ~${k.changed} -${k.removed}`);

describe('svc diff on the Otter-net example (a generated request)', () => {
  it('compares the merge base with the default branch to the work tree, untracked files included, and changes nothing', () => {
    const dir = generated();
    const before = gitState(dir);
    const d = diffJson(dir);
    expect(gitState(dir)).toBe(before);
    expect(d.base).toEqual({ rev: 'merge base of main', commit: git(dir, 'rev-parse', 'main').trim() });
    expect(d.head).toEqual({ rev: 'work tree', commit: null });
    expect(counts(d)).toEqual([
      'BlockDedicatedInternet +0 ~1 -0',
      'DcimInterfaceL2 +0 ~1 -0',
      'DcimInterfaceL3 +1 ~0 -0',
      'IpamIPAddress +1 ~0 -0',
      'IpamPrefix +1 ~0 -0',
      'IpamVLAN +1 ~0 -0',
      'ProductDedicatedInternet +0 ~1 -0',
      'ServiceDedicatedInternet +1 ~0 -0',
    ]);
    // The new objects are untracked files: git status lists them, svc diff reads them from disk.
    expect(git(dir, 'status', '--porcelain', '--', 'inventory/IpamVLAN')).toMatch(/^\?\? /);
    expect(d.kinds.find((k) => k.kind === 'IpamVLAN')!.objects[0]).toMatchObject({ change: 'added', label: 'vlan__dia-0001', path: 'IpamVLAN/vlan__dia-0001.json' });
    expect(d.lifecycle).toMatchObject([{ label: 'dia-0001', from: 'provisioning', to: 'active' }]);
    expect(d.allocations.map((a) => [a.action, a.purpose, a.type === 'claim' ? a.resourceLabel : a.resource, a.poolLabel, a.targetLabel])).toEqual([
      ['allocated', 'customer-port', 'sw01-par01 / Ethernet1/1', 'DcimInterfaceL2', 'dia-0001'],
      ['allocated', 'prefix', '198.51.100.0/29', 'Customer prefixes pool', 'dia-0001'],
      ['allocated', 'vlan', '1000', 'Customer vlan pool', 'dia-0001'],
    ]);
    expect(d.hidden).toEqual([{ kind: 'SvcGeneratorRun', objects: 1 }]);
  });

  it('reads the same change from two commits, shows bookkeeping with --all, and prints text for people', () => {
    const dir = generated();
    const workTree = diffJson(dir);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'dia-0001');
    const committed = diffJson(dir, ['main', 'request/dia-0001']);
    expect(committed.head).toEqual({ rev: 'request/dia-0001', commit: git(dir, 'rev-parse', 'HEAD').trim() });
    expect(committed.kinds).toEqual(workTree.kinds);
    expect(committed.allocations).toEqual(workTree.allocations);
    // Clean work tree, default base: the committed change again.
    expect(diffJson(dir).kinds).toEqual(committed.kinds);

    // Two commits are compared from git's objects alone: not even git's index is read (diff-tree
    // would read all of it, for nothing; an index it cannot read would make it fail).
    const index = readFileSync(join(dir, '.git/index'));
    writeFileSync(join(dir, '.git/index'), 'not an index');
    expect(diffJson(dir, ['main', 'request/dia-0001']).kinds).toEqual(committed.kinds);
    writeFileSync(join(dir, '.git/index'), index);

    const all = diffJson(dir, ['main', 'request/dia-0001', '--all']);
    expect(all.hidden).toEqual([]);
    expect(all.kinds.map((k) => k.kind)).toContain('SvcGeneratorRun');
    expect(all.summary.added).toBe(committed.summary.added + 1);

    const out = ok(svc(dir, ['diff', 'main', 'request/dia-0001']));
    expect(out).toMatch(/^Inventory diff main \([0-9a-f]{7}\) → request\/dia-0001 \([0-9a-f]{7}\)\n5 added, 3 changed, 0 removed · 1 bookkeeping change hidden/);
    expect(out).toContain('Lifecycle\n  ProductDedicatedInternet dia-0001 (dedicated internet 1000): provisioning → active\n');
    expect(out).toContain('  + allocated 1000 from Customer vlan pool for dia-0001 (vlan)\n');
    expect(out).toContain('  ~ sw01-par01 / Ethernet1/1\n');
    expect(out).toContain('      status: free → active\n');
    expect(out).not.toMatch(/\x1b\[/);
  });

  it('prints the pull request body as markdown: summary table, call-outs, one section per kind', () => {
    const dir = generated();
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'dia-0001');
    const md = ok(svc(dir, ['diff', 'main', 'HEAD', '--format', 'markdown']));
    // The picture opens the body (it is what `--format mermaid` prints alone), then the summary.
    const chart = ok(svc(dir, ['diff', 'main', 'HEAD', '--format', 'mermaid']));
    expect(chart.startsWith('flowchart LR\n')).toBe(true);
    expect(chart.match(/:::(added|changed)$/gm)).toHaveLength(8);
    expect(md).toMatch(/^### Inventory diff: `main \([0-9a-f]{7}\)` → `HEAD \([0-9a-f]{7}\)`\n\n```mermaid\nflowchart LR\n/);
    expect(md).toContain(`\`\`\`mermaid\n${chart}\`\`\`\n\n5 added, 3 changed, 0 removed`);
    expect(md).toContain('| kind | added | changed | removed |\n| :--- | ---: | ---: | ---: |\n| BlockDedicatedInternet | 0 | 1 | 0 |\n');
    expect(md).toContain('| **total** | **5** | **3** | **0** |');
    expect(md.indexOf('**Allocations**')).toBeLessThan(md.indexOf('<details>'));
    expect(md.match(/<details>\n<summary>/g)).toHaveLength(8);
    expect(md).toContain('| status | `free` | `active` |');

    const cut = ok(svc(dir, ['diff', 'main', 'HEAD', '--format', 'markdown', '--max-length', '3000']));
    expect(cut.length).toBeLessThanOrEqual(3000);
    expect(cut).toContain('| **total** | **5** | **3** | **0** |');
    expect(cut).toMatch(/Cut to fit/);
  });

  it('svc show --graph draws one object and its neighbours, one hop out, as Mermaid', () => {
    const dir = generated();
    const chart = ok(svc(dir, ['show', 'DcimInterfaceL2', 'sw01-par01', 'Ethernet1/1', '--graph']));
    const nodes = [...chart.matchAll(/^ {2}n\d+\["([^"]*)"\]:::(\w+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(nodes[0]).toBe('DcimInterfaceL2<br/>sw01-par01 / Ethernet1/1 focus');
    expect(nodes).toEqual(expect.arrayContaining(['DcimDevice<br/>sw01-par01 context', 'IpamVLAN<br/>vlan__dia-0001 context']));
    expect(chart).toMatch(/^ {2}n1 -->\|device\| n\d+$/m);
  });

  it('calls out a termination: the lifecycle move, the resources given back, the objects removed', () => {
    const dir = generated();
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'dia-0001');
    const sub = join(dir, 'inventory/ProductDedicatedInternet/dia-0001.json');
    writeFileSync(sub, readFileSync(sub, 'utf8').replace('"status": "active"', '"status": "terminated"'));
    expect(svc(dir, ['generate']).code).toBe(0);
    const d = diffJson(dir, ['HEAD']);
    expect(d.lifecycle).toMatchObject([{ label: 'dia-0001', from: 'active', to: 'terminated' }]);
    expect(d.allocations.map((a) => [a.action, a.purpose])).toEqual([
      ['released', 'customer-port'],
      ['released', 'prefix'],
      ['released', 'vlan'],
    ]);
    expect(counts(d)).toContain('IpamVLAN +0 ~0 -1');
    expect(d.hidden).toEqual([{ kind: 'SvcGeneratorRun', objects: 1 }]);
  });
});

describe('svc diff on a small catalog', () => {
  it('shows a rename as one change, and files that are not objects by path', () => {
    const dir = otterWithSubscription();
    const site = join(dir, 'inventory/LocationSite/par01.json');
    const moved = readFileSync(site, 'utf8').replace('"name": "par01"', '"name": "par09"');
    rmSync(site);
    writeTree(dir, { 'inventory/LocationSite/par09.json': moved, 'inventory/NOTES.md': 'not an object\n' });
    const d = diffJson(dir);
    expect(counts(d)).toEqual(['LocationSite +0 ~1 -0']);
    expect(d.kinds[0]!.objects[0]).toMatchObject({ change: 'renamed', label: 'par09', previousLabel: 'par01', path: 'LocationSite/par09.json' });
    expect(d.kinds[0]!.objects[0]!.attributes).toEqual([{ name: 'name', before: 'par01', after: 'par09' }]);
    expect(d.files).toEqual([{ path: 'NOTES.md', change: 'added', problem: expect.stringMatching(/not an object file path/) }]);
  });

  it('reads the work tree as it is: staged then edited again, deleted unstaged, dropped from the index but kept', () => {
    const dir = otterWithSubscription();
    const edit = (rel: string, from: string, to: string) => {
      const p = join(dir, rel);
      writeFileSync(p, readFileSync(p, 'utf8').replace(from, to));
    };
    edit('inventory/LocationSite/par02.json', '"status": "active"', '"status": "provisioning"');
    git(dir, 'add', 'inventory/LocationSite/par02.json');
    edit('inventory/LocationSite/par02.json', '"status": "provisioning"', '"status": "decommissioning"');
    rmSync(join(dir, 'inventory/LocationSite/ber01.json'));
    git(dir, 'rm', '-q', '--cached', 'inventory/LocationSite/fra01.json');
    const d = diffJson(dir);
    expect(counts(d)).toEqual(['LocationSite +0 ~1 -1']);
    expect(d.kinds[0]!.objects.map((o) => [o.change, o.label])).toEqual([
      ['changed', 'par02'],
      ['removed', 'ber01'],
    ]);
    expect(d.kinds[0]!.objects[0]!.attributes).toEqual([{ name: 'status', before: 'active', after: 'decommissioning' }]);
  });

  it('says there is nothing to review when the work tree is the base', () => {
    const dir = otterWithSubscription();
    expect(ok(svc(dir, ['diff']))).toMatch(/^Inventory diff merge base of main \([0-9a-f]{7}\) → work tree\nNo inventory changes\.\n$/);
  });
});

describe('svc diff refusals', () => {
  const refused = (r: RunResult, code: string, message: RegExp, hint: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[${code}]`);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(hint);
  };

  it('an unknown revision, as BASE or HEAD: exit 2 with a hint, nothing changed', () => {
    const dir = otterWithSubscription();
    const before = gitState(dir);
    refused(svc(dir, ['diff', 'no-such-branch']), 'diff/unknown-revision', /unknown revision "no-such-branch"/, /hint: name an existing branch, tag or commit/);
    refused(svc(dir, ['diff', 'main', 'v9.9']), 'diff/unknown-revision', /unknown revision "v9\.9"/, /git branch -a/);
    refused(svc(dir, ['diff', '--', '-x']), 'diff/unknown-revision', /unknown revision "-x"/, /hint/);
    expect(gitState(dir)).toBe(before);
  });

  it('outside a git repository', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/s.yml': 'version: "1.0"\n' });
    refused(svc(dir, ['diff']), 'git/not-a-repository', /is not inside a git repository/, /git init/);
  });

  it('no default branch: none configured and none to find, or the configured one missing', () => {
    const dir = otterWithSubscription();
    git(dir, 'branch', '-q', '-m', 'main', 'trunk');
    git(dir, 'switch', '-q', '--detach');
    const before = gitState(dir);
    refused(svc(dir, ['diff']), 'diff/no-default-branch', /cannot tell the default branch/, /pass BASE/);
    expect(gitState(dir)).toBe(before);
    // An explicit BASE needs no default branch.
    expect(svc(dir, ['diff', 'trunk']).code).toBe(0);

    const configured = otterWithSubscription();
    writeFileSync(join(configured, '.orchestrator.yml'), `default_branch: develop\n${readFileSync(join(configured, '.orchestrator.yml'), 'utf8')}`);
    refused(svc(configured, ['diff']), 'diff/no-default-branch', /"develop" \(default_branch in \.orchestrator\.yml\) does not exist/, /correct default_branch, or pass BASE/);
  });

  it('bad options', () => {
    const dir = otterWithSubscription();
    const format = svc(dir, ['diff', '--format', 'html']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/Allowed choices are text, markdown, json/);
    refused(svc(dir, ['diff', '--format', 'markdown', '--max-length', 'lots']), 'diff/bad-max-length', /--max-length lots/, /65536/);
  });
});

describe('svc diff reads each revision with the schema it was written for', () => {
  const LAB_SCHEMA = 'version: "1.0"\nnodes:\n  - name: Rack\n    namespace: Lab\n    human_friendly_id: [name__value]\n    attributes:\n      - { name: name, kind: Text, unique: true }\n      - { name: height, kind: Number }\n';
  const LAB_RACKS = 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: LabRack\n  data:\n    - { name: r1, height: 42 }\n';

  /** main, then a commit adding a kind and an object of it, then one dropping both: the work tree no longer knows the kind. */
  function evolved(schemaText = LAB_SCHEMA): { dir: string; added: string } {
    const dir = otterWithSubscription();
    writeTree(dir, { 'schemas/base/lab.yml': schemaText, 'lab/racks.yml': LAB_RACKS });
    if (schemaText === LAB_SCHEMA) expect(svc(dir, ['load', 'lab/racks.yml']).code).toBe(0);
    else writeTree(dir, { 'inventory/LabRack/r1.json': '{\n  "id": "00000000000000aa",\n  "name": "r1",\n  "height": 42\n}\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'a lab rack');
    const added = git(dir, 'rev-parse', 'HEAD').trim();
    git(dir, 'rm', '-q', '-r', 'schemas/base/lab.yml', 'lab', 'inventory/LabRack');
    git(dir, 'commit', '-q', '-m', 'no more lab');
    return { dir, added };
  }

  it('a kind the work tree\'s schema no longer has still reads, added on one side and removed on the other', () => {
    const { dir, added } = evolved();
    const forward = diffJson(dir, ['main', added]);
    expect(forward.files).toEqual([]);
    expect(counts(forward)).toEqual(['LabRack +1 ~0 -0']);
    expect(forward.kinds[0]!.objects[0]!.attributes).toEqual([{ name: 'name', before: null, after: 'r1' }, { name: 'height', before: null, after: 42 }]);
    const back = diffJson(dir, [added, 'HEAD']);
    expect(counts(back)).toEqual(['LabRack +0 ~0 -1']);
    expect(back.files).toEqual([]);
  });

  it('an attribute or relationship the newer schema dropped shows as removed from a changed object', () => {
    const dir = otterWithSubscription();
    const rack = LAB_SCHEMA + '    relationships:\n      - { name: site, peer: LocationSite, cardinality: one, optional: true }\n';
    writeTree(dir, { 'schemas/base/lab.yml': rack, 'lab/racks.yml': LAB_RACKS.replace('height: 42', 'height: 42, site: par01') });
    expect(svc(dir, ['load', 'lab/racks.yml']).code).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'a lab rack');
    const before = git(dir, 'rev-parse', 'HEAD').trim();
    // The schema loses both; the file is written again without them.
    writeTree(dir, { 'schemas/base/lab.yml': LAB_SCHEMA.replace('      - { name: height, kind: Number }\n', '') });
    const file = join(dir, 'inventory/LabRack/r1.json');
    const obj = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(obj).toMatchObject({ height: 42, site: 'par01' });
    delete obj.height;
    delete obj.site;
    writeFileSync(file, `${JSON.stringify(obj, null, 2)}\n`);
    git(dir, 'commit', '-q', '-am', 'racks lose height and site');
    const d = diffJson(dir, [before, 'HEAD']);
    expect(counts(d)).toEqual(['LabRack +0 ~1 -0']);
    const changed = d.kinds[0]!.objects[0]!;
    expect(changed.attributes).toEqual([{ name: 'height', before: 42, after: null }]);
    expect(changed.relationships).toEqual([{ name: 'site', cardinality: 'one', added: [], removed: [{ kind: 'LocationSite', hfid: ['par01'], label: 'par01', id: null }] }]);
  });

  it('a revision whose catalog does not load is read with the work tree\'s schema, and says so', () => {
    const { dir, added } = evolved('nodes: [ {name: Rack\n');
    const r = svc(dir, ['diff', 'main', added, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning\[diff\/revision-invalid\]: the catalog at [0-9a-f]{12} has errors, so its inventory is read with the work tree's schema/);
    expect((JSON.parse(r.stdout) as DiffJson).files).toEqual([{ path: 'LabRack/r1.json', change: 'added', problem: expect.any(String) }]);
  });
});
