import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, PROJECT_ROOT, svc, tempRepo } from '../helpers/repo.js';
import { FIXTURES } from './helpers.js';

/** A catalog with the fixture schema (LocationSite) and the example catalog's products, committed. */
function catalog(extra: Record<string, string> = {}): string {
  const config = 'schemas: [schemas]\ngenerator_definitions:\n  - name: dedicated_internet\n    file_path: generators/dedicated_internet.ts\n    targets: dedicated internet\n';
  const dir = tempRepo({ '.orchestrator.yml': config, 'schemas/site.yml': readFileSync(join(FIXTURES, 'schema.yml'), 'utf8'), ...extra }, { commit: false });
  cpSync(join(PROJECT_ROOT, 'products'), join(dir, 'products'), { recursive: true });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'catalog');
  return dir;
}
const clean = (dir: string) => expect(git(dir, 'status', '--porcelain')).toBe('');

describe('svc products', () => {
  it('lists every variant of every product, sorted', () => {
    const dir = catalog();
    const r = svc(dir, ['products']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'VARIANT                   PRODUCT             TYPE               TAG   FIXED INPUTS     GENERATOR',
        '------------------------  ------------------  -----------------  ----  ---------------  ------------------',
        'dedicated internet 100    dedicated internet  DedicatedInternet  DIA   bandwidth=100    dedicated_internet',
        'dedicated internet 1000   dedicated internet  DedicatedInternet  DIA   bandwidth=1000   dedicated_internet',
        'dedicated internet 10000  dedicated internet  DedicatedInternet  DIA   bandwidth=10000  dedicated_internet',
        'node Nokia                node                Node               NODE  vendor=Nokia     -',
        'node Juniper              node                Node               NODE  vendor=Juniper   -',
        'port 1000                 port                Port               PORT  speed=1000       -',
        'port 10000                port                Port               PORT  speed=10000      -',
        'port 100000               port                Port               PORT  speed=100000     -',
        '',
      ].join('\n'),
    );
    clean(dir);
  });

  it('--format json is stable and complete', () => {
    const r = svc(catalog(), ['products', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { products: { name: string; subscription_kind: string; generators: string[]; variants: { name: string; fixedInputs: unknown }[] }[] };
    expect(out.products.map((p) => [p.name, p.subscription_kind, p.variants.length])).toEqual([
      ['dedicated internet', 'ProductDedicatedInternet', 3], ['node', 'ProductNode', 2], ['port', 'ProductPort', 3],
    ]);
    expect(out.products.map((p) => p.generators)).toEqual([['dedicated_internet'], [], []]);
    expect(out.products[0]!.variants[2]).toEqual({ name: 'dedicated internet 10000', product: 'dedicated internet', fixedInputs: { bandwidth: 10000 } });
  });

  it('a catalog without products says so', () => {
    const config = 'schemas: [schemas]\ngenerator_definitions:\n  - name: dedicated_internet\n    file_path: generators/dedicated_internet.ts\n    targets: dedicated internet\n';
  const dir = tempRepo({ '.orchestrator.yml': config, 'schemas/site.yml': readFileSync(join(FIXTURES, 'schema.yml'), 'utf8') });
    const r = svc(dir, ['products']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no products');
  });

  it('a broken product file: exit 1, every finding with file:line:column, nothing changed', () => {
    const dir = catalog();
    const p = join(dir, 'products/port.yml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('        type: Node\n', '        type: Nod\n'));
    git(dir, 'commit', '-qam', 'break it');
    const r = svc(dir, ['products']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('products/port.yml:17:9: error[product/unknown-type]: field "node": type "Nod" is neither str, int, bool, enum, list, a block type nor a schema kind');
    expect(r.stderr).toContain('hint: did you mean "Node"?');
    expect(r.stderr).toContain('error[products/invalid]');
    expect(r.stdout).toBe('');
    clean(dir);
  });
});

describe('svc product show', () => {
  it('shows the form, the blocks and what each state requires', () => {
    const r = svc(catalog(), ['product', 'show', 'dedicated internet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dedicated internet (DedicatedInternet, tag DIA)\n');
    expect(r.stdout).toContain('  variants: dedicated internet 100, dedicated internet 1000, dedicated internet 10000\n');
    expect(r.stdout).toMatch(/\n {2}bandwidth +fixed input +enum +yes +100, 1000, 10000\n/);
    expect(r.stdout).toMatch(/\n {2}site +dedicated_internet\.site +LocationSite \(reference\) +yes\n/);
    expect(r.stdout).toMatch(/\n {4}vlan +int +active +output +no\n/);
    expect(r.stdout).toContain('  provisioning: dedicated_internet.site, dedicated_internet.ip_package\n');
    expect(r.stdout).toContain('  initial: (nothing)\n');
  });

  it('a variant pins the fixed inputs; --format json carries the input JSON Schema', () => {
    const r = svc(catalog(), ['product', 'show', 'dedicated internet 100', '--format', 'json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { variants: { name: string }[]; inputs: { key: string; choices?: unknown[] }[]; input_schema: { properties: Record<string, unknown> }; requires: Record<string, string[]>; blocks: { name: string; root: boolean }[] };
    expect(d.variants.map((v) => v.name)).toEqual(['dedicated internet 100']);
    expect(d.inputs.find((i) => i.key === 'bandwidth')!.choices).toEqual([100]);
    expect(d.input_schema.properties.bandwidth).toEqual({ const: 100 });
    expect(d.requires.active).toContain('dedicated_internet.customer_port');
    expect(d.blocks).toEqual([expect.objectContaining({ name: 'dedicated_internet', root: true })]);
  });

  it('a product that uses another product\'s block shows where it is defined', () => {
    const r = svc(catalog(), ['product', 'show', 'port']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  node: Node → BlockNode (defined in products/node.yml)\n');
    expect(r.stdout).toContain('  generator: - (the request fills in every field)\n');
    expect(r.stdout).toContain('  provisioning: port.node, port.port_name, port.port_mode\n');
  });

  it('an unknown name: exit 2 with a did-you-mean', () => {
    const r = svc(catalog(), ['product', 'show', 'nod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no product or variant called "nod"');
    expect(r.stderr).toContain('did you mean "node"?');
  });
});

describe('svc validate checks product files', () => {
  it('a clean catalog counts its product files', () => {
    const r = svc(catalog(), ['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 product files');
  });

  it('a product naming an unknown schema kind fails validation with its position', () => {
    const dir = catalog({ 'products/extra.yml': 'name: extra\ntype: Extra\ntag: EXTRA\nproduct_blocks:\n  - name: extra\n    type: Extra\n    fields:\n      - name: site\n        type: LocationSit\n' });
    const r = svc(dir, ['validate', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { file: string; line: number; code: string; hint?: string }[] };
    expect(out.ok).toBe(false);
    expect(out.diagnostics.map((d) => [d.file, d.line, d.code, d.hint])).toEqual([['products/extra.yml', 8, 'product/unknown-type', 'did you mean "LocationSite"?']]);
    clean(dir);
  });

  it('products: naming a missing folder is an error', () => {
    const dir = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\nproducts: [catalog/products]\n', 'schemas/site.yml': readFileSync(join(FIXTURES, 'schema.yml'), 'utf8') });
    const r = svc(dir, ['validate']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('catalog/products: no such file or folder');
  });
});
