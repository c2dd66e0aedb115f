import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, svc, tempDir, tempRepo, writeTree } from '../helpers/repo.js';

/** .infrahub.yml's keys that svc does not implement, as a team's file has them. */
const INFRAHUB_KEYS = `python_transforms: []
objects: [objects]
menus: [menus/menu.yml]
`;

const EXTENSION = readFileSync(join(PROJECT_ROOT, 'test/fixtures/schema/diagnostics/extension-ignored.yml'), 'utf8');

describe('.infrahub.yml keys in .orchestrator.yml', () => {
  it('are accepted, each with a warning naming it (not config/unknown-key)', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': `schemas: [schemas]\n${INFRAHUB_KEYS}`, 'schemas/.keep': '' });
    const r = svc(dir, ['validate', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { severity: string; code: string; key: string; line: number }[] };
    expect(report.ok).toBe(true);
    expect(report.diagnostics.map((d) => [d.severity, d.code, d.key, d.line])).toEqual([
      ['warning', 'config/infrahub-only', 'python_transforms', 2],
      ['warning', 'config/infrahub-only', 'objects', 3],
      ['warning', 'config/infrahub-only', 'menus', 4],
    ]);
    const text = svc(dir, ['validate']);
    expect(text.stdout).toContain('.orchestrator.yml:3:1: warning[config/infrahub-only]: objects: an .infrahub.yml key svc does not use yet; ignored');
    expect(text.stdout).toContain('svc load <files>');
  });
});

describe('strict mode: every warning is an error', () => {
  it('svc validate --strict, and strict: true in the config: config and schema warnings fail the run', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\nmenus: []\n', 'schemas/ext.yml': EXTENSION });
    const lax = svc(dir, ['validate', '--format', 'json']);
    expect(lax.code).toBe(0);
    const codes = (out: string) => (JSON.parse(out) as { diagnostics: { severity: string; code: string }[] }).diagnostics.map((d) => `${d.severity} ${d.code}`);
    expect(codes(lax.stdout)).toEqual(['warning config/infrahub-only', 'warning schema/extension-ignored']);
    const strict = svc(dir, ['validate', '--strict', '--format', 'json']);
    expect(strict.code).toBe(1);
    expect(codes(strict.stdout)).toEqual(['error config/infrahub-only', 'error schema/extension-ignored']);
    const text = svc(dir, ['validate', '--strict']);
    expect(text.stdout).toContain('hint: svc has no web interface to put menus in (an error in strict mode)');
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\nmenus: []\nstrict: true\n' });
    const configured = svc(dir, ['validate', '--format', 'json']);
    expect(configured.code).toBe(1);
    expect(codes(configured.stdout)).toEqual(['error config/infrahub-only', 'error schema/extension-ignored']);
  });

  it('strict: true makes svc load refuse an object file it would normalise, writing nothing', () => {
    const schema = readFileSync(join(PROJECT_ROOT, 'test/fixtures/load/schemas/network.yml'), 'utf8');
    const prefix = 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: IpamPrefix\n  data:\n    - prefix: 10.1.2.3/8\n';
    const dir = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\nstrict: true\n', 'schemas/network.yml': schema, 'objects/p.yml': prefix });
    const r = svc(dir, ['load', 'objects']);
    expect(r.code).toBe(1);
    // The code is load/normalised or, once Infrahub's refusal has a code of its own, load/host-bits.
    expect(r.stderr).toMatch(/error\[load\/[a-z-]+\]: IpamPrefix "10\.0\.0\.0\/8": prefix: "10\.1\.2\.3\/8" has host bits set/);
    expect(svc(dir, ['list', 'IpamPrefix', '--format', 'json']).stdout.trim()).toBe('[]');
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\n' });
    const lax = svc(dir, ['load', 'objects']);
    expect(lax.code).toBe(0);
    expect(lax.stderr + lax.stdout).toMatch(/warning\[load\/[a-z-]+\]: IpamPrefix "10\.0\.0\.0\/8"/);
  });
});
