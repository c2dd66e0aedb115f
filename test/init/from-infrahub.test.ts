import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, PROJECT_ROOT, svc, tempDir } from '../helpers/repo.js';

const REPO = join(PROJECT_ROOT, 'test/fixtures/infrahub-repo');

describe('svc init --from-infrahub', () => {
  it('makes a catalog of an Infrahub repository: schemas copied, objects loaded, the rest reported', () => {
    const parent = tempDir();
    const r = svc(parent, ['init', 'cat', '--from-infrahub', REPO, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { files: string[]; objects: number; leftBehind: { key: string; name: string }[] };
    expect(out.files).toEqual([
      '.github/workflows/svc-settle.yml', '.github/workflows/svc.yml', '.gitignore', '.orchestrator.yml',
      'objects/01-sites.yml', 'objects/02-devices.yml', 'schemas/dcim.yml',
    ]);
    expect(out.objects).toBe(4);
    expect(out.leftBehind.map((l) => `${l.key}: ${l.name}`)).toEqual([
      'menus: menus/menu.yml',
      'generator_definitions: site_devices (generators/site_devices.py)',
      'queries: site_query (queries/site.gql)',
      'jinja2_transforms: device_config (templates/device.j2)',
    ]);
    const cat = join(parent, 'cat');
    expect(readFileSync(join(cat, '.orchestrator.yml'), 'utf8')).toContain('schemas:\n  - "schemas"\n');
    expect(existsSync(join(cat, 'generators'))).toBe(false);
    expect(git(cat, 'log', '--format=%s')).toBe('svc init --from-infrahub infrahub-repo\n');
    expect(git(cat, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    const v = svc(cat, ['validate']);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('4 objects: 0 errors, 0 warnings');
    const devices = JSON.parse(svc(cat, ['list', 'DcimDevice', '--format', 'json']).stdout) as { attributes: { name: string } }[];
    expect(devices.map((d) => d.attributes.name).sort()).toEqual(['ams1-core1', 'rtm1-edge1']);
    // The text report names what was not carried over, and why.
    const again = svc(parent, ['init', 'cat2', '--from-infrahub', REPO]);
    expect(again.stdout).toContain('not carried over');
    expect(again.stdout).toContain("generator_definitions: site_devices (generators/site_devices.py): a Python generator: svc's are TypeScript modules");
  });

  it('object files that do not load: exit 1, and no catalog is left behind', () => {
    const parent = tempDir();
    const repo = join(parent, 'infra');
    cpSync(REPO, repo, { recursive: true });
    writeFileSync(join(repo, 'objects/02-devices.yml'), readFileSync(join(repo, 'objects/02-devices.yml'), 'utf8').replace('site: rtm1', 'site: nowhere'));
    const r = svc(parent, ['init', 'cat', '--from-infrahub', 'infra']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nowhere');
    expect(existsSync(join(parent, 'cat'))).toBe(false);
  });

  it('a folder without .infrahub.yml is a usage error, and nothing is made', () => {
    const parent = tempDir();
    const r = svc(parent, ['init', 'cat', '--from-infrahub', '.']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no .infrahub.yml there');
    expect(existsSync(join(parent, 'cat'))).toBe(false);
  });
});
