import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, svc, tempDir, tempRepo, writeTree } from '../helpers/repo.js';

const EXTENSION = readFileSync(join(PROJECT_ROOT, 'test/fixtures/schema/diagnostics/extension-ignored.yml'), 'utf8');

describe('strict mode: every warning is an error', () => {
  it('svc validate --strict, and strict: true in the config: schema warnings fail the run', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/ext.yml': EXTENSION });
    const lax = svc(dir, ['validate', '--format', 'json']);
    expect(lax.code).toBe(0);
    const codes = (out: string) => (JSON.parse(out) as { diagnostics: { severity: string; code: string }[] }).diagnostics.map((d) => `${d.severity} ${d.code}`);
    expect(codes(lax.stdout)).toEqual(['warning schema/extension-ignored']);
    const strict = svc(dir, ['validate', '--strict', '--format', 'json']);
    expect(strict.code).toBe(1);
    expect(codes(strict.stdout)).toEqual(['error schema/extension-ignored']);
    const text = svc(dir, ['validate', '--strict']);
    expect(text.stdout).toContain('(an error in strict mode)');
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\nstrict: true\n' });
    const configured = svc(dir, ['validate', '--format', 'json']);
    expect(configured.code).toBe(1);
    expect(codes(configured.stdout)).toEqual(['error schema/extension-ignored']);
  });

  it('strict: true makes svc load refuse an object file it would normalise, writing nothing', () => {
    const schema = readFileSync(join(PROJECT_ROOT, 'test/fixtures/load/schemas/network.yml'), 'utf8');
    const prefix = 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: IpamPrefix\n  data:\n    - prefix: 10.1.2.3/8\n';
    const dir = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\nstrict: true\n', 'schemas/network.yml': schema, 'objects/p.yml': prefix });
    const r = svc(dir, ['load', 'objects']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[load/normalised]');
    expect(svc(dir, ['list', 'IpamPrefix', '--format', 'json']).stdout.trim()).toBe('[]');
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\n' });
    const lax = svc(dir, ['load', 'objects']);
    expect(lax.code).toBe(0);
    expect(lax.stderr + lax.stdout).toContain('warning[load/normalised]');
  });
});
