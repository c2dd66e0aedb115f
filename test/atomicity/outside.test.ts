import { existsSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, svc, tempDir, tempRepo } from '../helpers/repo.js';
import { FIXTURE_SCHEMA, sampleInventory } from '../inventory/helpers.js';

function catalog(): string {
  return tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/inventory.yml': FIXTURE_SCHEMA, ...sampleInventory() });
}

describe('svc writes only inside its catalog', () => {
  it('a .svc that is a symbolic link is refused (exit 2) and nothing is written where it points', () => {
    const dir = catalog();
    const elsewhere = tempDir('svc-elsewhere-');
    symlinkSync(elsewhere, join(dir, '.svc'));
    for (const args of [['list', 'LocationSite'], ['validate']]) {
      const r = svc(dir, args);
      expect(r.stderr).toContain('error[fs/outside-catalog]');
      expect(r.stderr).toContain('symbolic link');
      expect(r.stderr).toContain('hint:');
      expect(r.code).toBe(2);
    }
    expect(readdirSync(elsewhere)).toEqual([]);
    // With the link gone, svc makes its own folder again.
    rmSync(join(dir, '.svc'));
    expect(svc(dir, ['list', 'LocationSite']).code).toBe(0);
    expect(existsSync(join(dir, '.svc/index.sqlite'))).toBe(true);
  });

  it('an inventory kind folder that links out of the catalog is refused by a load, which writes nothing', () => {
    const dir = catalog();
    const elsewhere = tempDir('svc-elsewhere-');
    git(dir, 'rm', '-rq', 'inventory/LocationSite');
    git(dir, 'commit', '-qm', 'no sites');
    symlinkSync(elsewhere, join(dir, 'inventory/LocationSite'));
    writeFileSync(join(dir, 'new.yml'), 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: LocationSite\n  data:\n    - name: BOS1\n');
    const r = svc(dir, ['load', 'new.yml']);
    expect(r.stderr).toContain('error[fs/outside-catalog]');
    expect(r.code).toBe(2);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
