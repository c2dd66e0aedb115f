import { Ajv } from 'ajv';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, svc, tempDir, tempRepo, writeTree } from '../helpers/repo.js';

const library = join(PROJECT_ROOT, 'test/fixtures/schema/library');

/** A catalog (a real git repository) holding the library-style files under schemas/. */
function libraryCatalog(): string {
  const dir = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n' });
  cpSync(library, join(dir, 'schemas'), { recursive: true });
  return dir;
}

const BROKEN = 'version: "1.0"\nnodes:\n  - name: Device\n    namespace: Test\n    relationships:\n      - name: site\n        peer: TestDevize\n';

describe('svc schema check', () => {
  it('passes on valid files outside any catalog', () => {
    const r = svc(PROJECT_ROOT, ['schema', 'check', 'test/fixtures/schema/library']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('✓ 6 schema files, 22 kinds: 0 errors, 0 warnings\n');
  });

  it('reports every problem with file:line:column and exits 1, changing nothing', () => {
    const dir = tempDir();
    writeTree(dir, { 'a.yml': BROKEN });
    const r = svc(dir, ['schema', 'check', 'a.yml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('a.yml:7:15: error[schema/unknown-peer]: relationship site of TestDevice: peer TestDevize does not exist\n  hint: did you mean "TestDevice"?');
    expect(r.stdout).toContain('✗ 1 schema file: 1 error, 0 warnings');
    expect(readFileSync(join(dir, 'a.yml'), 'utf8')).toBe(BROKEN);
    expect(readdirSync(dir)).toEqual(['a.yml']);
  });

  it('--format json and github are stable machine formats', () => {
    const dir = tempDir();
    writeTree(dir, { 'a.yml': BROKEN });
    const json = svc(dir, ['schema', 'check', '.', '--format', 'json']);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout);
    expect(body.ok).toBe(false);
    expect(body.diagnostics[0]).toMatchObject({ severity: 'error', code: 'schema/unknown-peer', file: 'a.yml', line: 7, column: 15, subject: 'TestDevice', key: 'relationships.site.peer' });
    const gh = svc(dir, ['schema', 'check', 'a.yml', '--format', 'github']);
    expect(gh.stdout).toMatch(/^::error file=a\.yml,line=7,col=15,title=schema\/unknown-peer::relationship site/);
  });

  it('a path that does not exist is a usage error (exit 2)', () => {
    const r = svc(tempDir(), ['schema', 'check', 'missing.yml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[files/not-found]: no such file or folder: missing.yml');
  });

  it('an extension of an Infrahub-internal kind is a warning, not an error', () => {
    const r = svc(PROJECT_ROOT, ['schema', 'check', 'test/fixtures/schema/diagnostics/extension-ignored.yml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning[schema/extension-ignored]: extension of CoreProposedChange ignored');
  });
});

describe('svc schema show / list', () => {
  it('show: the resolved kind with the origin of every item', () => {
    const dir = libraryCatalog();
    const r = svc(dir, ['schema', 'show', 'DcimDevice']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DcimDevice  node  schemas/base/dcim.yml:141:5');
    expect(r.stdout).toContain('inherits from: CoreArtifactTarget, DcimNode');
    expect(r.stdout).toMatch(/status\s+Dropdown\s+mandatory, default "active"\s+inherited from Generic DcimNode/);
    expect(r.stdout).toMatch(/location\s+LocationHosting\s+Attribute\s+one, mandatory\s+hardware__location\s+inherited from Generic DcimHardware/);
    const port = JSON.parse(svc(dir, ['schema', 'show', 'DcimPort', '--format', 'json']).stdout);
    expect(port.attributes.find((a: { name: string }) => a.name === 'circuit_label').origin).toEqual({ type: 'extension', file: 'schemas/extensions/circuit.yml', at: 'schemas/extensions/circuit.yml:70:11' });
  });

  it('show: an unknown kind exits 2 with a did-you-mean', () => {
    const r = svc(libraryCatalog(), ['schema', 'show', 'DcimDevise']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[schema/unknown-kind]: no kind DcimDevise in the schema');
    expect(r.stderr).toContain('did you mean "DcimDevice"?');
  });

  it('show: a catalog whose schema has errors exits 1 with the findings', () => {
    const dir = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/a.yml': BROKEN });
    const r = svc(dir, ['schema', 'show', 'TestDevice']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('schemas/a.yml:7:15: error[schema/unknown-peer]');
    expect(r.stdout).toBe('');
  });

  it('list: kinds with namespace, type, counts and file; json is sorted', () => {
    const dir = libraryCatalog();
    const table = svc(dir, ['schema', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^KIND\s+NAMESPACE\s+TYPE\s+ATTRS\s+RELS\s+FILE$/);
    // 4 of its own, and member_of_groups and subscriber_of_groups, which every node has.
    expect(table.stdout).toMatch(/DcimNode\s+Dcim\s+generic\s+5\s+6\s+schemas\/base\/dcim\.yml/);
    expect(table.stdout).not.toContain('BuiltinTag');
    const rows = JSON.parse(svc(dir, ['schema', 'list', '--format', 'json', '--builtin']).stdout) as { kind: string }[];
    expect(rows.map((r) => r.kind)).toEqual(rows.map((r) => r.kind).sort());
    expect(rows.map((r) => r.kind)).toContain('CoreNumberPool');
  });
});

describe('svc schema export', () => {
  it('writes JSON Schemas that editors (and ajv) can use on real files', () => {
    const dir = tempDir();
    const r = svc(dir, ['schema', 'export', '--out', 'json-schemas']);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'json-schemas')).sort()).toEqual(['orchestrator.json', 'products.json', 'schema.json']);
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validateSchema = ajv.compile(JSON.parse(readFileSync(join(dir, 'json-schemas/schema.json'), 'utf8')));
    for (const f of ['base/dcim.yml', 'base/location.yml', 'extensions/circuit.yml']) {
      expect(validateSchema(parse(readFileSync(join(library, f), 'utf8'))), f).toBe(true);
    }
    expect(validateSchema(parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/schema/diagnostics/unknown-key.yml'), 'utf8')))).toBe(false);
    const validateConfig = ajv.compile(JSON.parse(readFileSync(join(dir, 'json-schemas/orchestrator.json'), 'utf8')));
    expect(validateConfig({ schemas: ['schemas'] })).toBe(true);
    expect(validateConfig({ schema: ['schemas'] })).toBe(false);
    const validateProduct = ajv.compile(JSON.parse(readFileSync(join(dir, 'json-schemas/products.json'), 'utf8')));
    expect(validateProduct(parse(readFileSync(join(PROJECT_ROOT, 'products/dedicated-internet.yml'), 'utf8')))).toBe(true);
    expect(validateProduct({ name: 'x', type: 'X', product_blocks: [], bogus: 1 })).toBe(false);
  });

  it('without --out it is a usage error and writes nothing', () => {
    const dir = tempDir();
    const r = svc(dir, ['schema', 'export']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--out <dir>' not specified");
    expect(existsSync(join(dir, 'json-schemas'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
