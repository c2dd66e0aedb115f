import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { catalogSchema } from '../../src/app/inventory.js';
import { loadModel, requireModel } from '../../src/app/model.js';
import { cachePath } from '../../src/app/schema-cache.js';
import { openCatalog, type Catalog } from '../../src/core/catalog/catalog.js';
import { UsageError } from '../../src/core/errors.js';
import { loadCatalogSchema } from '../../src/core/schema/catalog-schema.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { git, otterNetRepo, PROJECT_ROOT, tempDir, TEST_ENV, writeTree } from '../helpers/repo.js';
import { catalogRepo, FIXTURE_SCHEMA } from './helpers.js';

const catalogOf = (dir: string): Catalog => openCatalog(dir, nodeFileHost).catalog!;

/** Everything the rest of svc asks a SchemaSet, as plain data. */
function answers(s: SchemaSet) {
  const kinds = [...s.kinds.keys()];
  return {
    fingerprint: s.fingerprint,
    kinds: JSON.parse(JSON.stringify([...s.kinds.values()])) as unknown,
    get: kinds.map((k) => s.get(k)?.kind),
    concrete: kinds.map((k) => s.concreteKinds(k)),
    isA: kinds.map((k) => kinds.filter((t) => s.isA(k, t))),
    unknown: [s.get('NoSuchKind'), s.concreteKinds('NoSuchKind'), s.isA('NoSuchKind', 'DcimGenericDevice')],
  };
}

describe('the resolved schema cache (.svc/schema-cache.json)', () => {
  it('answers exactly as a full load, and is what the next command reads', () => {
    const dir = catalogRepo();
    const catalog = catalogOf(dir);
    const full = loadCatalogSchema(catalog, nodeFileHost).schema!;
    const first = catalogSchema(catalog);
    expect(existsSync(cachePath(dir))).toBe(true);
    const cached = catalogSchema(catalog);
    expect(answers(cached)).toEqual(answers(full));
    expect(answers(first)).toEqual(answers(full));
    // The cache is read when its key matches: a marked copy comes back.
    const data = JSON.parse(readFileSync(cachePath(dir), 'utf8')) as { fingerprint: string };
    writeFileSync(cachePath(dir), JSON.stringify({ ...data, fingerprint: 'marked' }));
    expect(catalogSchema(catalog).fingerprint).toBe('marked');
    // Ignored by git like the rest of .svc.
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('is never stale: an edited or added schema file means a full load', () => {
    const dir = catalogRepo();
    const catalog = catalogOf(dir);
    const before = catalogSchema(catalog).fingerprint;
    writeTree(dir, { 'schemas/inventory.yml': FIXTURE_SCHEMA.replace('      - name: loopback', '      - name: serial\n        kind: Text\n        optional: true\n      - name: loopback') });
    const edited = catalogSchema(catalog);
    expect(edited.fingerprint).not.toBe(before);
    expect(edited.fingerprint).toBe(loadCatalogSchema(catalog, nodeFileHost).schema!.fingerprint);
    writeTree(dir, { 'schemas/extra.yml': 'version: "1.0"\nnodes:\n  - name: Thing\n    namespace: Test\n    attributes:\n      - name: name\n        kind: Text\n' });
    expect(catalogSchema(catalog).get('TestThing')?.kind).toBe('TestThing');
  });

  it('a corrupt or foreign cache file is ignored and replaced', () => {
    const dir = catalogRepo();
    const catalog = catalogOf(dir);
    const full = loadCatalogSchema(catalog, nodeFileHost).schema!;
    catalogSchema(catalog);
    for (const bad of ['{"format": 1, "key": ', '[]', JSON.stringify({ format: 1, key: 'x', fingerprint: 'f', kinds: 'no', ancestors: {} })]) {
      writeFileSync(cachePath(dir), bad);
      expect(answers(catalogSchema(catalog))).toEqual(answers(full));
      expect(() => JSON.parse(readFileSync(cachePath(dir), 'utf8')) as unknown).not.toThrow();
    }
  });

  it('a schema with errors is reported even when a valid cache exists, and is never cached', () => {
    const dir = catalogRepo();
    const catalog = catalogOf(dir);
    catalogSchema(catalog);
    const cached = readFileSync(cachePath(dir), 'utf8');
    writeTree(dir, { 'schemas/inventory.yml': FIXTURE_SCHEMA.replace('kind: Text', 'kind: NoSuchAttributeKind') });
    let error: unknown;
    try {
      catalogSchema(catalog);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('schema/invalid');
    expect((error as UsageError).diagnostics.length).toBeGreaterThan(0);
    expect(readFileSync(cachePath(dir), 'utf8')).toBe(cached);
  });

  it('keeps the linked products too: while the product files hash the same they are not parsed again', () => {
    const dir = otterNetRepo();
    const catalog = catalogOf(dir);
    const full = loadModel(catalog, nodeFileHost);
    const plain = (p: unknown) => JSON.parse(JSON.stringify(p, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v))) as unknown;
    requireModel(catalog);
    const cached = requireModel(catalog);
    expect(plain(cached.products)).toEqual(plain(full.products));
    expect([...cached.products!.products.keys()]).toEqual([...full.products!.products.keys()]);
    // What comes back is the cache's: a marked copy shows through.
    const data = JSON.parse(readFileSync(cachePath(dir), 'utf8')) as { products: { products: { name: string; description?: string }[] } };
    data.products.products.find((p) => p.name === 'port')!.description = 'marked';
    writeFileSync(cachePath(dir), JSON.stringify(data));
    expect(requireModel(catalog).products!.products.get('port')?.description).toBe('marked');
    // An edited product file changes the key: its new text is what the next command sees.
    writeTree(dir, { 'products/port.yml': readFileSync(`${dir}/products/port.yml`, 'utf8').replace('description: A customer-facing port on an Otter-net router', 'description: A port, edited') });
    expect(requireModel(catalog).products!.products.get('port')?.description).toBe('A port, edited');
  });

  it('a generator that comes to target a product changes the key: the product is implemented by it at once', () => {
    const dir = otterNetRepo();
    expect(requireModel(catalogOf(dir)).products!.products.get('port')!.implementedBy).toEqual([]);
    const config = readFileSync(`${dir}/.orchestrator.yml`, 'utf8');
    const second = config.replace('generator_definitions:\n', 'generator_definitions:\n  - name: ports\n    file_path: generators/dedicated_internet.ts\n    targets: dedicated internet\n');
    writeTree(dir, { '.orchestrator.yml': second });
    expect(requireModel(catalogOf(dir)).products!.products.get('port')!.implementedBy).toEqual([]);
    // Only its targets change.
    writeTree(dir, { '.orchestrator.yml': second.replace('name: ports\n    file_path: generators/dedicated_internet.ts\n    targets: dedicated internet', 'name: ports\n    file_path: generators/dedicated_internet.ts\n    targets: port') });
    expect(requireModel(catalogOf(dir)).products!.products.get('port')!.implementedBy).toEqual(['ports']);
  });

  it('a change to svc\'s own model code, within one version, makes the cache miss', () => {
    // Two installs of the same version: the built one, and a copy whose products code differs by a comment.
    const copy = tempDir('svc-copy-');
    for (const d of ['bin', 'dist']) cpSync(join(PROJECT_ROOT, d), join(copy, d), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(copy, 'node_modules'));
    appendFileSync(join(copy, 'dist/core/products/link.js'), '\n// changed\n');
    const dir = otterNetRepo();
    const keyAfter = (root: string) => {
      const r = spawnSync(process.execPath, [join(root, 'bin/svc'), 'list', 'LocationSite', '--format', 'json'], { cwd: dir, env: TEST_ENV, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(readFileSync(cachePath(dir), 'utf8')) as { key: string }).key;
    };
    const built = keyAfter(PROJECT_ROOT);
    expect(keyAfter(PROJECT_ROOT)).toBe(built);
    const changed = keyAfter(copy);
    expect(changed).not.toBe(built);
    expect(keyAfter(PROJECT_ROOT)).toBe(built);
  });
});
