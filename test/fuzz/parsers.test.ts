import fc from 'fast-check';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { assertRefName, refNameProblem } from '../../src/adapters/git/refs.js';
import { revParse } from '../../src/adapters/git/read.js';
import { loadModel } from '../../src/app/model.js';
import { resolveProduct } from '../../src/app/request.js';
import { parseSets } from '../../src/cli/commands/request.js';
import { parseCatalog, type Catalog } from '../../src/core/catalog/catalog.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { UsageError, ValidationError } from '../../src/core/errors.js';
import { decodeObject, encodeObject } from '../../src/core/inventory/codec.js';
import { parseHfidPath } from '../../src/core/inventory/hfid.js';
import { planLoad } from '../../src/core/load/plan.js';
import { validateRequest } from '../../src/core/products/inputs.js';
import { loadProductTexts } from '../../src/core/products/load.js';
import type { ProductSet } from '../../src/core/products/model.js';
import { variantsOf } from '../../src/core/products/variants.js';
import { coerceInput } from '../../src/core/request/build.js';
import { checkRequestId, refOf } from '../../src/core/request/names.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { checkStructure } from '../../src/core/schema/structure.js';
import { parseYamlQuick } from '../../src/core/yaml/quick.js';
import { parseYaml } from '../../src/core/yaml/source.js';
import { memoryReader } from '../load/helpers.js';
import { git, PROJECT_ROOT } from '../helpers/repo.js';
import { fuzz, parserInput, RUNS, weirdValue, yamlish } from './harness.js';

/**
 * Every parser of user input, in process, on arbitrary YAML-ish text and on real documents of the
 * Otter-net catalog made wrong: each returns findings or throws one of svc's typed errors, never
 * anything else (what the CLI reports as "internal error" with a stack trace).
 */
const read = (rel: string) => readFileSync(join(PROJECT_ROOT, rel), 'utf8');
const yamlFiles = (dir: string) =>
  readdirSync(join(PROJECT_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name).slice(PROJECT_ROOT.length + 1))
    .sort();
const values = (files: string[]) => files.map((f) => parse(read(f)) as unknown);

let catalog: Catalog;
let schema: SchemaSet;
let products: ProductSet;
let work: string;

beforeAll(() => {
  catalog = parseCatalog(read('.orchestrator.yml'), PROJECT_ROOT).catalog!;
  const model = loadModel(catalog, nodeFileHost);
  if (!model.schema || !model.products) throw new Error(`the Otter-net catalog does not load: ${JSON.stringify(model.diagnostics)}`);
  schema = model.schema;
  products = model.products;
  work = mkdtempSync(join(tmpdir(), 'svc-fuzz-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const errorsOnly = (ds: readonly Diagnostic[]) => ds;

describe('fuzz: files', () => {
  it('.orchestrator.yml', () => {
    const seeds = values(['.orchestrator.yml', 'templates/init/dot-orchestrator.yml']);
    fuzz('.orchestrator.yml', parserInput(seeds), (text) => errorsOnly(parseCatalog(text, work).diagnostics));
  });

  it('schema files: YAML and structure, alone', () => {
    fuzz('schema files (structure)', parserInput(values(yamlFiles('schemas'))), (text) => {
      const src = parseYamlQuick(text, 'schemas/fuzz.yml');
      if (src.diagnostics.some((d) => d.severity === 'error')) return src.diagnostics;
      return checkStructure(src).diagnostics;
    });
  });

  // The whole schema (svc's built-in kinds included) is resolved and checked on every case: about
  // 70 ms each, so a fifth of the cases.
  it('schema files, among the rest of the catalog\'s schema', () => {
    const files = yamlFiles('schemas');
    cpSync(join(PROJECT_ROOT, 'schemas'), join(work, 'schemas'), { recursive: true });
    const arb = fc.tuple(fc.nat({ max: files.length - 1 }), parserInput(values(files)));
    fuzz('schema files', arb, ([i, text]) => {
      const file = join(work, files[i]!);
      writeFileSync(file, text);
      try {
        return loadSchemaPaths([join(work, 'schemas')], nodeFileHost, work).diagnostics;
      } finally {
        writeFileSync(file, read(files[i]!));
      }
    }, Math.max(10, Math.round(RUNS / 5)));
  });

  it('product files, among the catalog\'s other products', () => {
    const files = yamlFiles('products');
    const generators = catalog.generators.map((g) => ({ name: g.name, targets: g.targets }));
    const arb = fc.tuple(fc.nat({ max: files.length - 1 }), parserInput(values(files)));
    fuzz('product files', arb, ([i, text]) => {
      const texts = files.map((f, j) => ({ file: f, text: j === i ? text : read(f) }));
      return loadProductTexts(texts, schema, generators).diagnostics;
    });
  });

  it('object files (svc load)', () => {
    const files = yamlFiles('bootstrap');
    // The documents one by one: a file of several is split before it is read, as svc load does.
    const seeds = files.flatMap((f) => read(f).split(/^---$/m).map((d) => parse(d) as unknown).filter((d) => d != null));
    fuzz('object files', parserInput(seeds), (text) => planLoad([{ file: 'bootstrap/fuzz.yml', text }], schema, memoryReader(schema)).diagnostics);
  });

  it('inventory files (one JSON object each)', () => {
    const plan = planLoad(yamlFiles('bootstrap').map((f) => ({ file: f, text: read(f) })), schema, memoryReader(schema));
    expect(plan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const objects = plan.changeSet.upserts.slice(0, 40);
    const seeds = objects.map((o) => JSON.parse(encodeObject(schema, o, () => undefined)) as unknown);
    const kinds = [...new Set(objects.map((o) => o.kind))];
    const path = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...kinds).map((k) => `${k}/x.json`) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
    fuzz('inventory files', fc.tuple(path, parserInput(seeds, 'json')), ([p, text]) => decodeObject(schema, p, text, `inventory/${p}`).diagnostics);
  });

  it('request files (-f): a mapping of inputs for a product', () => {
    const names = [...products.products.values()].flatMap((p) => [p.name, p.type, p.tag, ...variantsOf(p).map((v) => v.name)]);
    const keys = ['customer', 'description', ...[...products.products.values()].flatMap((p) => [...p.fixedInputs.map((f) => f.name), ...p.blocks.flatMap((b) => b.fields.map((f) => f.name))])];
    const seed = fc.dictionary(fc.constantFrom(...keys), weirdValue, { maxKeys: 6 });
    const text = fc.oneof(seed.map((v) => JSON.stringify(v)), yamlish);
    fuzz('request files', fc.tuple(fc.constantFrom(...names), text), ([name, t]) => {
      const src = parseYaml(t, 'request.yml');
      if (src.diagnostics.some((d) => d.severity === 'error')) return src.diagnostics;
      if (typeof src.value !== 'object' || src.value === null || Array.isArray(src.value)) return src.diagnostics;
      const given = src.value as Record<string, unknown>;
      const { product, variant } = resolveProduct(products, name, given);
      const problems = validateRequest(product, products, given, { variant });
      for (const p of problems) expect(typeof p.message).toBe('string');
      return src.diagnostics;
    });
  });
});

describe('fuzz: arguments', () => {
  it('--set values: parsed, coerced for each product and checked', () => {
    const all = [...products.products.values()];
    const keys = ['customer', ...all.flatMap((p) => [...p.fixedInputs.map((f) => f.name), ...p.blocks.flatMap((b) => b.fields.map((f) => f.name))])];
    const pair = fc.oneof(
      fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', ',', ' , ', '1,2', '-1', '007', 'true', '1e3', '10.0.0.0/8', '::1', 'a=b'))).map(([k, v]) => `${k}=${v}`),
      fc.string({ maxLength: 12 }),
    );
    fuzz('--set values', fc.tuple(fc.nat({ max: all.length - 1 }), fc.array(pair, { maxLength: 5 })), ([i, pairs]) => {
      const set = parseSets(pairs);
      const product = all[i]!;
      const coerced = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, coerceInput(product, products, k, v)]));
      validateRequest(product, products, coerced);
    });
  });

  it('request ids (--id): refused with a typed error, or a valid branch name git cannot mistake for an option', () => {
    const id = fc.oneof(fc.stringMatching(/^[a-z0-9._\-/@{}~^: ]{0,70}$/), fc.string({ maxLength: 70 }), fc.constantFrom('..', 'a..b', 'a.lock', '-a', 'a.', '.a', 'a/b', 'HEAD', '@', 'x'.repeat(63), 'x'.repeat(64)));
    fuzz('request ids', id, (s) => {
      checkRequestId(s);
      expect(refNameProblem(refOf(s))).toBeUndefined();
      expect(s.startsWith('-')).toBe(false);
    });
  });

  it('ref names and human-friendly id paths', () => {
    fuzz('ref names', fc.string({ maxLength: 40 }).map((s) => (s.startsWith('refs/') ? s : `refs/${s}`)), (s) => {
      assertRefName(s);
    });
    fuzz('hfid paths', fc.string({ maxLength: 40 }), (s) => {
      const p = parseHfidPath(s);
      expect(typeof p.attribute).toBe('string');
    });
  });

  it('revisions (--base, svc diff <a> <b>): a commit or nothing, never an option to git', async () => {
    const repo = join(work, 'repo');
    git(work, 'init', '-q', '-b', 'main', repo);
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'one');
    const rev = fc.oneof(fc.string({ maxLength: 24 }), fc.constantFrom('--output=x', '-h', '--all', 'main', 'HEAD', 'main^{tree}', 'main:', ':/one', '@{-1}', 'HEAD~999'));
    // A git process per case: fewer of them.
    const runs = Math.max(10, Math.round(RUNS / 10));
    const outcomes: (string | null)[] = [];
    await fc.assert(
      fc.asyncProperty(rev, async (r) => {
        if (r.includes('\0')) return; // argv cannot carry a NUL: no shell passes one
        const got = await revParse(repo, r);
        outcomes.push(got);
        expect(got === null || /^[0-9a-f]{40}$/.test(got)).toBe(true);
      }),
      { numRuns: runs, seed: 7 },
    );
    expect(readdirSync(repo).sort()).toEqual(['.git']);
    expect(outcomes.length).toBeGreaterThan(0);
  });
});

/** What the fuzzer found, each kept as a plain test that failed before its fix. */
describe('fuzz: regressions', () => {
  it('a request file whose fixed input is a mapping with a null toString: no variant, not a TypeError', () => {
    const given = parseYaml('bandwidth: {toString: null}\n', 'request.yml').value as Record<string, unknown>;
    expect(() => resolveProduct(products, 'dedicated internet', given)).toThrowError(ValidationError);
  });

  it('a request whose enum input is such a mapping: a problem, not a TypeError', () => {
    const product = products.products.get('dedicated internet')!;
    const given = parseYaml('ip_package: {toString: null}\n', 'request.yml').value;
    expect(validateRequest(product, products, given).find((p) => p.input === 'ip_package')?.message).toMatch(/^ip_package: /);
  });

  it('a product file whose enum-valued key (role) is such a mapping: a finding, not a TypeError', () => {
    const text = read('products/dedicated-internet.yml').replace('role: output', 'role: {toString: null}');
    const found = loadProductTexts([{ file: 'products/x.yml', text }], schema, undefined).diagnostics;
    expect(found.some((d) => d.code === 'product/invalid-value' && d.message.includes('toString'))).toBe(true);
  });

  it('a schema attribute of kind JSON whose default_value is such a mapping and not in its enum: a finding', () => {
    writeFileSync(join(work, 'json-default.yml'), 'version: "1.0"\nnodes:\n  - name: Thing\n    namespace: Fuzz\n    attributes:\n      - name: data\n        kind: JSON\n        enum: [a, b]\n        default_value: {toString: null}\n');
    const found = loadSchemaPaths([join(work, 'json-default.yml')], nodeFileHost, work).diagnostics;
    expect(found.map((d) => d.code)).toContain('schema/default-not-in-enum');
  });
});

describe('fuzz: the harness can fail', () => {
  it('an untyped exception fails the property; a typed one does not', () => {
    expect(() => fuzz('throws TypeError', fc.constant(''), () => { throw new TypeError('x'); }, 1)).toThrow(/TypeError|Property failed/);
    expect(fuzz('throws UsageError', fc.constant(''), () => { throw new UsageError('x/y', 'y'); }, 1)).toEqual({ clean: 0, findings: 0, refused: 1 });
  });
});
