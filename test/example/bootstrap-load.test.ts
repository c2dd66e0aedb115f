import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, otterNetRepo, PROJECT_ROOT, svc, writeTree, type FileTree } from '../helpers/repo.js';

/** The catalog plus its bootstrap folder (otterNetRepo copies the catalog only), committed. */
function catalogWithBootstrap(): string {
  const repo = otterNetRepo();
  const files: FileTree = {};
  for (const f of readdirSync(join(PROJECT_ROOT, 'bootstrap'))) files[`bootstrap/${f}`] = readFileSync(join(PROJECT_ROOT, 'bootstrap', f), 'utf8');
  writeTree(repo, files);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'bootstrap data');
  return repo;
}

interface LoadJson {
  ok: boolean;
  summary: Record<string, { created: number; updated: number; unchanged: number }>;
}

interface Shown {
  relationships: { name: string; peers: { kind: string; hfid: string[] }[] }[];
}

const json = <T>(r: { code: number; stdout: string; stderr: string }): T => {
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
};

/** A fresh catalog with the bootstrap loaded (temp folders are removed after each test, so each test makes its own). */
function loaded(): { repo: string; load: LoadJson } {
  const repo = catalogWithBootstrap();
  return { repo, load: json<LoadJson>(svc(repo, ['load', 'bootstrap', '--format', 'json'])) };
}

describe('`svc load bootstrap` on the example catalog', () => {
  it('creates every object, validates, and a second load changes nothing', () => {
    const { repo, load } = loaded();
    const created = Object.fromEntries(Object.entries(load.summary).map(([k, v]) => [k, v.created]));
    expect(created).toEqual({
      CoreIPAddressPool: 1, CoreIPPrefixPool: 2, CoreNumberPool: 1, DcimDevice: 24, DcimInterfaceL2: 120,
      DcimInterfaceL3: 48, IpamL2Domain: 1, IpamNamespace: 1, IpamPrefix: 4, LocationCountry: 3, LocationMetro: 5,
      LocationSite: 6,
    });

    const report = json<{ ok: boolean; checked: Record<string, number> }>(svc(repo, ['validate', '--format', 'json']));
    expect(report.ok).toBe(true);
    expect(report.checked['objects']).toBe(216);

    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first load');
    const again = json<LoadJson>(svc(repo, ['load', 'bootstrap', '--format', 'json']));
    for (const [kind, s] of Object.entries(again.summary)) {
      expect({ kind, ...s }).toEqual({ kind, created: 0, updated: 0, unchanged: load.summary[kind]!.created });
    }
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('offers 96 free customer ports, 8 on each of the 12 core switches, and links devices both ways', () => {
    const { repo } = loaded();
    const free = json<unknown[]>(svc(repo, ['list', 'DcimInterfaceL2', '--filter', 'status=free', '--filter', 'role=customer', '--format', 'json']));
    expect(free).toHaveLength(96);
    const cores = json<unknown[]>(svc(repo, ['list', 'DcimDevice', '--filter', 'role=core', '--format', 'json']));
    expect(cores).toHaveLength(12);

    const site = json<Shown>(svc(repo, ['show', 'LocationSite', 'par01', '--format', 'json']));
    const devices = site.relationships.find((r) => r.name === 'devices')!.peers.map((p) => p.hfid.join('/'));
    expect(devices).toEqual(['rt01-par01', 'rt02-par01', 'sw01-par01', 'sw02-par01']);
    const sw = json<Shown>(svc(repo, ['show', 'DcimDevice', 'sw01-par01', '--format', 'json']));
    expect(sw.relationships.find((r) => r.name === 'interfaces')!.peers).toHaveLength(10);
  });

  it('places each site under its metro (hierarchy parent), and a leaf has no children', () => {
    const { repo } = loaded();
    const site = json<Shown>(svc(repo, ['show', 'LocationSite', 'par01', '--format', 'json']));
    const parent = site.relationships.find((r) => r.name === 'parent')!;
    expect(parent.peers.map((p) => `${p.kind}:${p.hfid.join('/')}`)).toEqual(['LocationMetro:Paris']);
    expect(site.relationships.find((r) => r.name === 'children')?.peers ?? []).toEqual([]);
  });
});
