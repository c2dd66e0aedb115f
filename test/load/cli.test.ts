import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, PROJECT_ROOT, svc, tempRepo, writeTree, type FileTree } from '../helpers/repo.js';
import { FIXTURES } from './helpers.js';

/** Every file under `dir` (relative path → bytes as text), to prove a failed load changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length + 1)] = readFileSync(p).toString('base64');
  }
  return out;
}

function filesUnder(dir: string, prefix: string): FileTree {
  const out: FileTree = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[`${prefix}/${join(e.parentPath, e.name).slice(dir.length + 1)}`] = readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

/** A committed catalog with the fixture schema and object files, not yet loaded. */
function fixtureRepo(): string {
  return tempRepo({
    '.orchestrator.yml': 'schemas: [schemas]\ninventory: inventory\n',
    ...filesUnder(join(FIXTURES, 'schemas'), 'schemas'),
    ...filesUnder(join(FIXTURES, 'objects'), 'objects'),
  });
}

const header = (kind: string) => `apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: ${kind}\n  data:\n`;

describe('svc load (end to end, real git and SQLite)', () => {
  it('loads, validates, and a second load changes nothing', () => {
    const dir = fixtureRepo();
    const r = svc(dir, ['load', 'objects']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('NetworkEthernet       16        0          0');
    expect(r.stdout).toContain('27 objects in 3 files: 27 created, 0 updated; wrote 27 inventory files');
    expect(readFileSync(join(dir, 'inventory/NetworkDevice/ams1-edge1.json'), 'utf8')).toBe(
      '{\n  "id": "' + JSON.parse(readFileSync(join(dir, 'inventory/NetworkDevice/ams1-edge1.json'), 'utf8')).id + '",\n  "name": "ams1-edge1",\n  "role": "edge",\n  "asn": 65001,\n  "site": "ams1"\n}\n',
    );
    const v = svc(dir, ['validate']);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('27 objects: 0 errors, 0 warnings');

    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'load');
    const before = snapshot(join(dir, 'inventory'));
    const again = svc(dir, ['load', 'objects', '--format', 'json']);
    expect(again.code).toBe(0);
    const out = JSON.parse(again.stdout) as { ok: boolean; written: string[]; summary: Record<string, { created: number; updated: number; unchanged: number }> };
    expect(out.ok).toBe(true);
    expect(out.written).toEqual([]);
    expect(out.summary.NetworkDevice).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(snapshot(join(dir, 'inventory'))).toEqual(before);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('--dry-run shows the plan and writes nothing', () => {
    const dir = fixtureRepo();
    const r = svc(dir, ['load', 'objects', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('would write 27 inventory files (dry run: nothing written)');
    expect(existsSync(join(dir, 'inventory'))).toBe(false);
  });

  it('an update keeps the id and rewrites one file', () => {
    const dir = fixtureRepo();
    svc(dir, ['load', 'objects']);
    const path = join(dir, 'inventory/NetworkDevice/ams1-edge1.json');
    const id = (JSON.parse(readFileSync(path, 'utf8')) as { id: string }).id;
    writeTree(dir, { 'edit.yml': header('NetworkDevice') + '    - name: ams1-edge1\n      asn: 65002\n' });
    const r = svc(dir, ['load', 'edit.yml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 object in 1 file: 0 created, 1 updated; wrote 1 inventory file');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ id, asn: 65002, site: 'ams1' });
  });

  const bad: [string, string, RegExp][] = [
    ['malformed YAML', header('BuiltinTag') + '    - name: [red\n', /bad\.yml:\d+:\d+: error\[yaml\/syntax\]/],
    ['unknown kind', header('BuiltinTagg') + '    - name: red\n', /bad\.yml:4:9: error\[load\/unknown-kind\]: unknown kind "BuiltinTagg"\n  hint: did you mean "BuiltinTag"\?/],
    ['unknown attribute', header('BuiltinTag') + '    - name: red\n      colour: red\n', /bad\.yml:7:7: error\[load\/unknown-key\]: BuiltinTag "red": BuiltinTag has no attribute or relationship "colour"/],
    ['wrong type', header('IpamPrefix') + '    - prefix: 10.0.0.0/8\n      status: 3\n', /bad\.yml:7:15: error\[load\/wrong-type\]: IpamPrefix "10\.0\.0\.0\/8": status \(Text\) must be a string, got number 3\n  hint: quote it: "3"/],
    ['dangling reference', header('NetworkLoopback') + '    - name: lo0\n      device: ams9-core1\n', /bad\.yml:7:15: error\[load\/dangling-reference\]: NetworkLoopback "ams9-core1 \/ lo0": device refers to NetworkDevice "ams9-core1", which does not exist\n  hint: did you mean "ams1-core1"\?/],
    ['duplicate', header('BuiltinTag') + '    - name: red\n    - name: red\n', /bad\.yml:7:7: error\[load\/duplicate\]: BuiltinTag "red": defined twice in this file \(first at bad\.yml:6\)/],
    ['missing mandatory attribute', header('LocationCountry') + '    - name: France\n', /bad\.yml:6:7: error\[load\/missing-mandatory\]: LocationCountry "France": mandatory attribute code \(Text\) is missing/],
    [
      'aliases that expand without bound',
      header('BuiltinTag') + ['    - name: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdef'.split('').map((k, i) => `    - name: &${k} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`)].join('\n') + '\n',
      /bad\.yml:7:17: error\[yaml\/syntax\]: YAML: Excessive alias count[^\n]*\n  hint: aliases \(\*name\) here expand to more than 100 copies/,
    ],
  ];
  it.each(bad)('refuses %s with a clear error and changes nothing', (_what, text, message) => {
    const dir = fixtureRepo();
    expect(svc(dir, ['load', 'objects']).code).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'load');
    expect(svc(dir, ['list', 'BuiltinTag', '--format', 'json']).code).toBe(0);
    const inventory = snapshot(join(dir, 'inventory'));
    const index = snapshot(join(dir, '.svc'));
    writeTree(dir, { 'bad.yml': text });
    const r = svc(dir, ['load', 'bad.yml', 'objects']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/error\[load\/invalid\]: \d+ errors? in the object files: nothing was loaded/);
    expect(snapshot(join(dir, 'inventory'))).toEqual(inventory);
    expect(snapshot(join(dir, '.svc'))).toEqual(index);
    expect(git(dir, 'status', '--porcelain')).toBe('?? bad.yml\n');
  });

  it('a path that does not exist is an error', () => {
    const dir = fixtureRepo();
    const r = svc(dir, ['load', 'nope.yml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.yml: no such file or folder');
  });

  it('svc validate reports an integrity finding with its file and line', () => {
    const dir = fixtureRepo();
    svc(dir, ['load', 'objects']);
    const path = join(dir, 'inventory/NetworkDevice/ams1-core1.json');
    writeTree(dir, { 'inventory/NetworkDevice/ams1-core1.json': readFileSync(path, 'utf8').replace('"role": "core"', '"role": "spine"') });
    const r = svc(dir, ['validate']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('inventory/NetworkDevice/ams1-core1.json:4:3: error[inventory/not-a-choice]: NetworkDevice "ams1-core1": role: "spine" is not one of its choices (core, edge)');
  });
});

describe('the Otter-net bootstrap', () => {
  const bootstrap = join(PROJECT_ROOT, 'bootstrap');
  it.runIf(existsSync(bootstrap) && statSync(bootstrap).isDirectory() && existsSync(join(PROJECT_ROOT, '.orchestrator.yml')))('loads into a copy of the catalog, and svc validate passes', () => {
    const files: FileTree = { '.orchestrator.yml': readFileSync(join(PROJECT_ROOT, '.orchestrator.yml'), 'utf8') };
    // checks/ and queries/ too: validate runs the example's check, which names a query.
    for (const d of ['schemas', 'products', 'bootstrap', 'checks', 'queries']) if (existsSync(join(PROJECT_ROOT, d))) Object.assign(files, filesUnder(join(PROJECT_ROOT, d), d));
    const dir = tempRepo(files);
    const r = svc(dir, ['load', 'bootstrap']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const v = svc(dir, ['validate', '--format', 'json']);
    const report = JSON.parse(v.stdout) as { ok: boolean; checked: Record<string, number>; diagnostics: { severity: string }[] };
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checked.objects).toBeGreaterThan(0);
    expect(svc(dir, ['load', 'bootstrap']).stdout).toMatch(/: 0 created, 0 updated; wrote 0 inventory files/);
  });
});
