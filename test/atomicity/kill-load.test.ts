import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromTemplate } from '../helpers/otter.js';
import { git, PROJECT_ROOT, svc, tempRepo, type FileTree } from '../helpers/repo.js';
import { catalogFiles, killSpecs, leftovers, svcKilledAt } from './helpers.js';

const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/load');

function filesUnder(dir: string, prefix: string): FileTree {
  const out: FileTree = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[`${prefix}/${join(e.parentPath, e.name).slice(dir.length + 1)}`] = readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

/** The fixture catalog with its locations loaded and committed: a load of the rest then writes ~25 files. */
function halfLoaded(): string {
  return fromTemplate('half-loaded', () => {
    const dir = tempRepo({
      '.orchestrator.yml': 'schemas: [schemas]\ninventory: inventory\n',
      ...filesUnder(join(FIXTURES, 'schemas'), 'schemas'),
      ...filesUnder(join(FIXTURES, 'objects'), 'objects'),
    });
    const r = svc(dir, ['load', 'objects/01-locations.yml']);
    if (r.code !== 0) throw new Error(r.stderr);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'locations');
    return dir;
  });
}

/** The catalog before and after an uninterrupted `svc load objects`, and how many files it writes. */
let baseline: { before: Record<string, string>; after: Record<string, string>; n: number } | undefined;
function loadBaseline(): NonNullable<typeof baseline> {
  if (baseline) return baseline;
  const before = halfLoaded();
  const after = halfLoaded();
  const done = svc(after, ['load', 'objects', '--format', 'json']);
  if (done.code !== 0) throw new Error(done.stderr);
  const n = (JSON.parse(done.stdout) as { written: string[] }).written.length;
  baseline = { before: catalogFiles(before), after: catalogFiles(after), n };
  return baseline;
}

/** `before`, `after` or `between`: the catalog's files (all but .git and .svc) against the baseline. */
function stateOf(dir: string, b: NonNullable<typeof baseline>): string {
  const now = JSON.stringify(catalogFiles(dir));
  return now === JSON.stringify(b.before) ? 'before' : now === JSON.stringify(b.after) ? 'after' : 'between';
}

describe('svc load killed at any write step', () => {
  // 23 files: first and middle staged file, the commit point, just after it, first, middle and last rename, cleanup.
  it.each(killSpecs(23))('killed at %s: the next command finds the catalog as before or after, no temporary file, validate passes', (spec) => {
    const b = loadBaseline();
    expect(b.n).toBe(23);
    const dir = halfLoaded();
    const k = svcKilledAt(dir, ['load', 'objects'], spec);
    expect(k.signal, `${spec}: ${k.stderr}`).toBe('SIGKILL');
    // The next command (any: validate here) finishes or undoes the change first.
    const v = svc(dir, ['validate']);
    expect(v.code, `${v.stdout}${v.stderr}`).toBe(0);
    // Before the journal is in place nothing has changed; from then on the change is finished.
    expect(stateOf(dir, b)).toBe(spec.startsWith('stage') || spec === 'commit:1' ? 'before' : 'after');
    expect(leftovers(dir)).toEqual([]);
    // The index agrees with the files: what validate counted is what is on disk.
    const objects = Object.keys(catalogFiles(dir)).filter((p) => p.startsWith('inventory/')).length;
    expect(v.stdout).toContain(`${objects} objects: 0 errors`);
  });

  it('a command run during another live process\'s change leaves that change alone', () => {
    const dir = halfLoaded();
    // This test process is alive: its (made-up) transaction must not be applied or removed.
    const txn = join(dir, '.svc/txn', `${process.pid}--00ff`);
    mkdirSync(txn, { recursive: true });
    writeFileSync(join(txn, 'f0'), 'staged\n');
    writeFileSync(join(txn, 'journal'), JSON.stringify({ format: 1, renames: [['f0', 'inventory/x.txt']], deletes: [], prune: '' }));
    expect(svc(dir, ['validate']).code).toBe(0);
    expect(readdirSync(txn).sort()).toEqual(['f0', 'journal']);
    // Once its owner is gone, the next command rolls it forward.
    const dead = join(dir, '.svc/txn', '999999999--00ff');
    cpSync(txn, dead, { recursive: true });
    rmSync(txn, { recursive: true });
    expect(svc(dir, ['validate']).code).toBe(0);
    expect(readFileSync(join(dir, 'inventory/x.txt'), 'utf8')).toBe('staged\n');
    expect(leftovers(dir)).toEqual([]);
  });

  it('a change finished by the next command is seen by that command, though its git status started before', () => {
    const dir = halfLoaded();
    const site = 'inventory/LocationCountry/netherlands~3a386c13.json';
    const text = readFileSync(join(dir, site), 'utf8').replace('"code": "NL"', '"code": "NX"');
    expect(text).toContain('NX');
    const dead = join(dir, '.svc/txn', '999999999--00aa');
    mkdirSync(dead, { recursive: true });
    writeFileSync(join(dead, 'f0'), text);
    writeFileSync(join(dead, 'journal'), JSON.stringify({ format: 1, renames: [['f0', site]], deletes: [], prune: '' }));
    // `svc list` starts git status as it starts (cli/early-status.ts), before the journal is applied.
    const r = svc(dir, ['list', 'LocationCountry', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"NX"');
    expect(readFileSync(join(dir, site), 'utf8')).toBe(text);
  });

  it('removes the temporary files older versions left in the inventory when killed', () => {
    const dir = halfLoaded();
    const stray = join(dir, 'inventory/LocationSite/.ams1.json.999999999.tmp');
    writeFileSync(stray, '{"half":');
    rmSync(join(dir, '.svc/swept-temp-1'), { force: true });
    const r = svc(dir, ['list', 'LocationSite']);
    expect(r.code).toBe(0);
    expect(leftovers(dir)).toEqual([]);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});

