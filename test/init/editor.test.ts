import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaFor, withModeline } from '../../src/app/init-editor.js';
import { productFileJsonSchema } from '../../src/core/products/file-schema.js';
import { svc, tempDir } from '../helpers/repo.js';

/** Every key a schema defines (properties at any depth, through items and anyOf), with its path. */
function keys(schema: unknown, path = ''): { path: string; node: Record<string, unknown> }[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const out: { path: string; node: Record<string, unknown> }[] = [];
  for (const [k, v] of Object.entries((s.properties as Record<string, unknown>) ?? {})) {
    out.push({ path: `${path}${k}`, node: v as Record<string, unknown> }, ...keys(v, `${path}${k}.`));
  }
  if (s.items) out.push(...keys(s.items, `${path}[].`));
  for (const alt of (s.anyOf as unknown[]) ?? []) out.push(...keys(alt, path));
  return out;
}

describe('editor support', () => {
  it('the product-file JSON Schema describes every key', () => {
    const all = keys(productFileJsonSchema);
    expect(all.length).toBeGreaterThan(40);
    expect(all.filter((k) => typeof k.node.description !== 'string' || !k.node.description).map((k) => k.path)).toEqual([]);
  });

  it('puts a modeline relative to the file on the YAML files a schema covers, once, replacing one there', () => {
    expect(schemaFor('products/a/b.yml')).toBe('products.json');
    expect(schemaFor('bootstrap/01.yml')).toBeUndefined();
    expect(withModeline('products/x.yml', 'name: x\n')).toBe('# yaml-language-server: $schema=../.vscode/schemas/products.json\nname: x\n');
    expect(withModeline('.orchestrator.yml', 'a: 1\n')).toBe('# yaml-language-server: $schema=.vscode/schemas/orchestrator.json\na: 1\n');
    expect(withModeline('bootstrap/01.yml', 'a: 1\n')).toBe('a: 1\n');
    const once = withModeline('schemas/n.yml', '# yaml-language-server: $schema=https://example.test/s.json\na: 1\n');
    expect(once).toBe('# yaml-language-server: $schema=../.vscode/schemas/schema.json\na: 1\n');
    expect(withModeline('schemas/n.yml', once)).toBe(once);
  });

  it('svc init writes the modelines, the schemas they name, and .vscode/settings.json mapping them; the catalog still validates', () => {
    const dir = join(tempDir('svc-init-editor-'), 'cat');
    const r = svc(tempDir('svc-cwd-'), ['init', dir]);
    expect(r.code, r.stderr).toBe(0);
    for (const rel of ['products/customer-vlan.yml', 'schemas/network.yml', '.orchestrator.yml']) {
      const first = readFileSync(join(dir, rel), 'utf8').split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
      expect(m, rel).not.toBeNull();
      expect(existsSync(join(dir, rel, '..', m![1]!)), rel).toBe(true);
    }
    const settings = JSON.parse(readFileSync(join(dir, '.vscode/settings.json'), 'utf8')) as { 'yaml.schemas': Record<string, string[]> };
    expect(settings['yaml.schemas']['./.vscode/schemas/products.json']).toContain('products/**/*.yml');
    for (const file of Object.keys(settings['yaml.schemas'])) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(svc(dir, ['validate']).code).toBe(0);
  }, 120_000);
});
