import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/core/catalog/catalog.js';
import { catalogConfigSchema } from '../../src/core/catalog/config-schema.js';
import { ownValidator } from '../../src/core/own-schema.js';
import { productFileJsonSchema } from '../../src/core/products/file-schema.js';
import { schemaFileSchema } from '../../src/core/schema/meta-schema.js';

/** svc compiles its own JSON Schemas without ajv's meta-schema check (src/core/own-schema.ts): this is that check. */
describe("svc's own JSON Schemas", () => {
  const meta = new Ajv({ strict: false });
  it.each([
    ['.orchestrator.yml', catalogConfigSchema],
    ['schema files', schemaFileSchema],
    ['product files', productFileJsonSchema],
  ])('the schema of %s is a valid JSON Schema', (_, schema) => {
    expect(meta.validateSchema(schema), JSON.stringify(meta.errors)).toBe(true);
    expect(ownValidator(schema)()({})).toBeTypeOf('boolean');
  });

  it('the check would see a broken one', () => {
    expect(meta.validateSchema({ type: 'mapping', properties: [] })).toBe(false);
  });
});

describe('the config memo', () => {
  const memo = (known: boolean) => {
    const remembered: string[] = [];
    return { remembered, known: () => known, remember: (_root: string, text: string) => void remembered.push(text) };
  };

  it('skips only the shape check for a text it knows, and remembers only a text nothing was said about', () => {
    // A shape error (an unknown key) is not seen when the memo vouches for the text...
    const vouched = memo(true);
    expect(parseCatalog('schemas: [schemas]\nproduct: [products]\n', '/cat', '.orchestrator.yml', vouched).diagnostics).toEqual([]);
    // ...but every other check still runs.
    expect(parseCatalog('schemas: [../elsewhere]\n', '/cat', '.orchestrator.yml', vouched).diagnostics.map((d) => d.code)).toEqual(['config/outside-catalog']);
    expect(vouched.remembered).toEqual([]);
    const fresh = memo(false);
    expect(parseCatalog('schemas: [schemas]\nproduct: [products]\n', '/cat', '.orchestrator.yml', fresh).diagnostics.map((d) => d.code)).toEqual(['config/unknown-key']);
    expect(parseCatalog('schemas: [schemas]\n', '/cat', '.orchestrator.yml', fresh).catalog).toBeDefined();
    expect(fresh.remembered).toEqual(['schemas: [schemas]\n']);
  });
});

describe('.orchestrator.yml as read (js-yaml for the value, the yaml parser for positions)', () => {
  const codes = (text: string) => parseCatalog(text, '/cat').diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`);

  it('a syntax error or a repeated key is reported where it is, by the position-keeping parser', () => {
    expect(codes('schemas: [schemas\ninventory: inventory\n')).toEqual([expect.stringMatching(/^yaml\/syntax \d+:\d+$/)]);
    expect(codes('schemas: [schemas]\ninventory: a\ninventory: b\n')).toEqual(['yaml/syntax 3:1']);
  });

  it('a finding about a well-formed text points at the key it is about', () => {
    expect(codes('schemas: [schemas]\n\nproduct: [products]\n')).toEqual(['config/unknown-key 3:1']);
    expect(codes('schemas:\n  - schemas\n  - ../elsewhere\n')).toEqual(['config/outside-catalog 3:5']);
  });

  it('values come out as YAML 1.2 reads them, and an empty file is an empty catalog', () => {
    const c = parseCatalog('schemas: [schemas]\ninventory: "inv"\ndefault_branch: no\n', '/cat').catalog!;
    expect(c.inventory).toBe('/cat/inv');
    expect(c.defaultBranch).toBe('no');
    expect(parseCatalog('', '/cat').catalog?.schemas).toEqual(['/cat/schemas']);
  });
});

describe('aliases that expand without bound (a "billion laughs")', () => {
  it('in .orchestrator.yml: a YAML finding where the aliases start, not a hang or a crash', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'schemas: *h', ''].join('\n');
    const load = parseCatalog(laughs, '/cat');
    expect(load.catalog).toBeUndefined();
    expect(load.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['yaml/syntax 2:8']);
    expect(load.diagnostics[0]!.hint).toMatch(/aliases/);
  });

  it('a few aliases still read as their values', () => {
    const c = parseCatalog('x: &s [schemas, more]\nschemas: *s\n', '/cat', '.orchestrator.yml', { known: () => true, remember: () => undefined }).catalog!;
    expect(c.schemas).toEqual(['/cat/schemas', '/cat/more']);
  });
});
