import { describe, expect, it } from 'vitest';
import { variantsOf } from '../../src/core/products/variants.js';
import { fixtureFiles, loadOk, loadTexts, where } from './helpers.js';

const minimal = (blockExtra = '', top = '') => `name: thing
type: Thing
tag: THING
${top}product_blocks:
  - name: thing
    type: Thing
    fields:
      - name: label
        type: str
${blockExtra}`;

describe('SURF product-generator definitions load', () => {
  const set = loadOk(fixtureFiles('surf'));

  it('single-block, multi-block and blocks shared between products', () => {
    expect([...set.products.keys()]).toEqual(['l2vpn', 'node', 'port']);
    expect([...set.blocks.keys()]).toEqual(['Node', 'Port', 'SAP', 'VirtualCircuit']);
    const l2 = set.products.get('l2vpn')!;
    expect(l2.rootBlock).toBe('virtual_circuit');
    expect(l2.blocks.map((b) => b.name)).toEqual(['virtual_circuit', 'sap', 'port']);
    expect(l2.blocks.find((b) => b.name === 'port')!.referenceOnly).toBe(true);
    // The port block used by the l2vpn's SAPs is the one port.yaml defines.
    expect(set.blocks.get('Port')!.definedIn).toBe('surf/port.yaml');
  });

  it('field types: scalars, enums, lists with bounds, blocks and schema kinds', () => {
    const node = set.blocks.get('Node')!;
    expect(node.fields.map((f) => [f.name, f.target.kind])).toEqual([
      ['role_id', 'scalar'], ['node_name', 'scalar'], ['node_status', 'enum'], ['ims_id', 'scalar'], ['ipv4_loopback', 'scalar'], ['node_description', 'scalar'],
    ]);
    const port = set.blocks.get('Port')!;
    expect(port.fields.find((f) => f.name === 'vlan_range')).toMatchObject({ list: { minItems: 1, maxItems: 4 }, target: { kind: 'scalar', type: 'int' }, required: 'active' });
    expect(port.fields.find((f) => f.name === 'node')!.target).toEqual({ kind: 'block', block: 'Node' });
    expect(port.fields.find((f) => f.name === 'mtu')).toMatchObject({ minValue: 1500, maxValue: 9216, default: 9000 });
    const vc = set.blocks.get('VirtualCircuit')!;
    expect(vc.fields.find((f) => f.name === 'saps')).toMatchObject({ target: { kind: 'block', block: 'SAP' }, list: { minItems: 2, maxItems: 8 } });
    expect(vc.fields.find((f) => f.name === 'site')!.target).toEqual({ kind: 'schema', schemaKind: 'LocationSite' });
  });

  it('roles default by SURF convention: provisioning-required fields are inputs, the rest outputs', () => {
    const node = set.blocks.get('Node')!;
    expect(Object.fromEntries(node.fields.map((f) => [f.name, f.role]))).toEqual({
      role_id: 'input', node_name: 'input', node_status: 'input', ims_id: 'output', ipv4_loopback: 'output', node_description: 'output',
    });
  });

  it('workflows: every one enabled unless the file lists it with enabled: false (as SURF)', () => {
    expect(set.products.get('port')!.workflows).toEqual({ create: true, modify: false, terminate: true, validate: true });
    expect(set.products.get('node')!.workflows).toEqual({ create: true, modify: true, terminate: true, validate: true });
    expect(set.products.get('l2vpn')!.workflows).toEqual({ create: true, modify: true, terminate: true, validate: true });
    const off = loadOk([{ file: 'p.yml', text: `${minimal()}workflows:\n  - name: create\n    enabled: false\n` }]);
    expect(off.products.get('thing')!.workflows.create).toBe(false);
  });

  it('variants: one per enum value, one per combination, names deterministic', () => {
    expect(variantsOf(set.products.get('node')!).map((v) => v.name)).toEqual(['node Cisco', 'node Nokia', 'node Cumulus', 'node FRR']);
    expect(variantsOf(set.products.get('port')!).map((v) => [v.name, v.fixedInputs])).toEqual([
      ['port 10000 internal', { speed: 10000, domain: 'internal' }],
      ['port 10000 customer', { speed: 10000, domain: 'customer' }],
      ['port 100000 internal', { speed: 100000, domain: 'internal' }],
      ['port 100000 customer', { speed: 100000, domain: 'customer' }],
    ]);
    // A plain (non-enum) fixed input does not multiply variants or show in the name.
    expect(variantsOf(set.products.get('l2vpn')!)).toEqual([{ name: 'l2vpn', product: 'l2vpn', fixedInputs: { protection: 'unprotected' } }]);
  });
});

describe('refused definitions, each with its position', () => {
  it('two root blocks', () => {
    const [file] = fixtureFiles('bad').filter((f) => f.file.endsWith('two-roots.yml'));
    const load = loadTexts({ [file!.file]: file!.text });
    expect(load.products).toBeUndefined();
    expect(load.diagnostics.map(where)).toEqual(['bad/two-roots.yml:10:5 product/two-root-blocks']);
    expect(load.diagnostics[0]!.message).toBe('product "broken" has 2 root blocks: first, second');
  });

  it('a cycle between blocks, reported once at the field that closes it', () => {
    const [file] = fixtureFiles('bad').filter((f) => f.file.endsWith('cycle.yml'));
    const load = loadTexts({ [file!.file]: file!.text });
    expect(load.diagnostics.map(where)).toEqual(['bad/cycle.yml:18:9 product/block-cycle']);
    expect(load.diagnostics[0]!.message).toBe('block cycle: AlphaBlk → BetaBlk → AlphaBlk');
  });

  it('required: initial has a hint; modifiable: with no value is modifiable, another value a warning; unknown keys get did-you-mean', () => {
    const [file] = fixtureFiles('bad').filter((f) => f.file.endsWith('initial.yml'));
    const load = loadTexts({ [file!.file]: file!.text });
    // The unknown key stops the file at the shape check, so fix it to see the value checks.
    expect(load.diagnostics.map(where)).toEqual(['bad/initial.yml:17:9 product/unknown-key']);
    expect(load.diagnostics[0]!.hint).toBe('did you mean "required"?');
    const loaded = loadTexts({ [file!.file]: file!.text.replace('requried', 'required') });
    // Its output field without a generator is only a warning (see unfilled-output below).
    const fixed = loaded.diagnostics.filter((d) => d.code !== 'product/unfilled-output');
    expect(fixed.map((d) => `${where(d)} ${d.severity}`)).toEqual([
      'bad/initial.yml:10:19 product/required-initial warning',
      'bad/initial.yml:16:21 product/modifiable-not-boolean warning',
    ]);
    expect(fixed[0]!.hint).toContain('required: inactive');
    expect(fixed[1]!.message).toBe('field "c": modifiable: "yes" is not a boolean: svc reads it as modifiable, as SURF does');
  });

  it.each([
    ['an unknown top-level key', minimal('', 'fixed_input: []\n'), 'product/unknown-key', 4, 'did you mean "fixed_inputs"?'],
    ['a missing name', minimal().replace('name: thing\n', ''), 'product/missing-key', 1, 'add "name:"'],
    ['an unknown field type', minimal('      - name: other\n        type: Strng\n'), 'product/unknown-type', 10, undefined],
    ['an enum without values', minimal('      - name: e\n        type: enum\n'), 'product/enum-without-values', 10, 'add `values: [...]`'],
    ['a list without list_type', minimal('      - name: l\n        type: list\n'), 'product/list-without-type', 10, undefined],
    ['a field declared twice', minimal('      - name: label\n        type: int\n'), 'product/duplicate-field', 10, undefined],
    ['min above max', minimal('      - name: n\n        type: int\n        min_value: 9\n        max_value: 1\n'), 'product/bad-bounds', 12, undefined],
    ['a field named like the owner link', minimal('      - name: subscription\n        type: str\n'), 'product/reserved-name', 10, undefined],
    ['a field named like the block name', minimal('      - name: block_name\n        type: str\n'), 'product/reserved-name', 10, undefined],
    ['a fixed input named like a subscription field', minimal('', 'fixed_inputs:\n  - name: status\n    type: str\n    value: x\n'), 'product/reserved-name', 5, undefined],
    ['a bad workflow name', minimal() + 'workflows:\n  - name: migrate\n', 'product/invalid-value', 11, undefined],
  ])('%s', (_what, text, code, line, hint) => {
    const load = loadTexts({ 'p.yml': text });
    expect(load.products).toBeUndefined();
    expect(load.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([[code, 'p.yml', line]]);
    if (hint) expect(load.diagnostics[0]!.hint).toBe(hint);
  });

  it('a misspelt level is a warning (SURF reads the field as optional; so does svc), with a did-you-mean', () => {
    const load = loadTexts({ 'p.yml': minimal('        required: activ\n') });
    expect(load.diagnostics.map((d) => [d.severity, d.code, d.line, d.hint])).toEqual([['warning', 'product/invalid-required', 10, 'did you mean "active"?']]);
    expect(load.products!.blocks.get('Thing')!.fields[0]!.required).toBeUndefined();
  });

  it('an unknown type says what it could have meant', () => {
    const load = loadTexts({ 'p.yml': minimal('      - name: site\n        type: LocationSit\n') });
    expect(load.diagnostics[0]!.hint).toBe('did you mean "LocationSite"?');
  });

  it('a reference-only block that nobody defines', () => {
    const load = loadTexts({ 'p.yml': minimal('  - name: other\n    type: Othr\n') });
    expect(load.diagnostics.map((d) => [d.code, d.line])).toEqual([['product/unknown-block', 10]]);
  });

  it('a block type defined twice, products named twice', () => {
    const load = loadTexts({ 'a.yml': minimal(), 'b.yml': minimal() });
    expect(load.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`).sort()).toEqual([
      'b.yml:1 product/duplicate-product',
      'b.yml:5 product/duplicate-block-type',
    ]);
  });

  it('generator: must name a generator of .orchestrator.yml that targets the product', () => {
    const text = minimal('', 'generator: dia_gn\n');
    const ok = loadTexts({ 'p.yml': text }, [{ name: 'dia_gn', targets: 'thing' }]);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.products!.products.get('thing')!.implementedBy).toEqual(['dia_gn']);
    const load = loadTexts({ 'p.yml': text }, [{ name: 'dia_gen', targets: 'thing' }, { name: 'other', targets: 'thing' }]);
    expect(load.diagnostics.map((d) => [d.code, d.line, d.hint])).toEqual([['product/unknown-generator', 1, 'did you mean "dia_gen"?']]);
    const elsewhere = loadTexts({ 'p.yml': text }, [{ name: 'dia_gn', targets: 'DcimDevice' }]);
    expect(elsewhere.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['product/generator-targets-other', 'product "thing": generator "dia_gn" targets "DcimDevice", not this product', 'set `targets: thing` for dia_gn in .orchestrator.yml, or drop `generator:` here'],
    ]);
  });

  it('a product is implemented by the generators whose targets name it (by name or type), with or without generator:', () => {
    const gens = [{ name: 'b', targets: 'Thing' }, { name: 'a', targets: 'thing' }, { name: 'c', targets: 'other' }];
    expect(loadOk([{ file: 'p.yml', text: minimal() }], gens).products.get('thing')!.implementedBy).toEqual(['a', 'b']);
    expect(loadOk([{ file: 'p.yml', text: minimal() }], []).products.get('thing')!.implementedBy).toEqual([]);
  });

  it('an output required at active with no generator to fill it is a warning, at the field', () => {
    const field = '      - name: loopback\n        type: str\n        required: active\n';
    const load = loadTexts({ 'p.yml': minimal(field) });
    expect(load.diagnostics.map((d) => [d.severity, d.code, d.line, d.key])).toEqual([['warning', 'product/unfilled-output', 10, 'loopback']]);
    expect(load.diagnostics[0]!.message).toBe('product "thing" has no generator, so nothing fills output "loopback" (required at active): its subscriptions stay in provisioning until someone edits it in');
    expect(load.diagnostics[0]!.hint).toContain('role: input');
    // An input, an optional output, or a generator: nothing to say.
    expect(loadTexts({ 'p.yml': minimal(`${field}        role: input\n`) }).diagnostics).toEqual([]);
    expect(loadTexts({ 'p.yml': minimal('      - name: loopback\n        type: str\n        role: output\n') }).diagnostics).toEqual([]);
    expect(loadTexts({ 'p.yml': minimal(field, 'generator: gen\n') }, [{ name: 'gen', targets: 'thing' }]).diagnostics).toEqual([]);
    // Named by a generator's targets alone is as good.
    expect(loadTexts({ 'p.yml': minimal(field) }, [{ name: 'gen', targets: 'Thing' }]).diagnostics).toEqual([]);
  });

  it('blocks that only reference each other: no root, and a cycle', () => {
    const text = 'name: ring\ntype: Ring\ntag: RING\nproduct_blocks:\n  - name: a\n    type: RingA\n    fields:\n      - name: b\n        type: RingB\n  - name: b\n    type: RingB\n    fields:\n      - name: a\n        type: RingA\n';
    const load = loadTexts({ 'p.yml': text });
    expect(load.diagnostics.map((d) => `${d.line} ${d.code}`).sort()).toEqual(['1 product/no-root-block', '13 product/block-cycle']);
  });

  it('two products whose variants share a name', () => {
    const a = 'name: dia\ntype: DiaA\ntag: A\nfixed_inputs:\n  - name: speed\n    type: enum\n    values: [1, 2]\nproduct_blocks:\n  - name: x\n    type: BlkA\n    fields: []\n';
    const b = 'name: dia 1\ntype: DiaB\ntag: B\nproduct_blocks:\n  - name: y\n    type: BlkB\n    fields: []\n';
    expect(loadTexts({ 'a.yml': a, 'b.yml': b }).diagnostics.map((d) => [d.file, d.code])).toEqual([['b.yml', 'product/duplicate-variant']]);
  });

  it('a fixed input without a value; a file that is not a mapping; an empty file is nothing', () => {
    const load = loadTexts({ 'p.yml': minimal('', 'fixed_inputs:\n  - name: speed\n    type: int\n'), 'q.yml': '- a\n', 'r.yml': '' });
    expect(load.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.code}`)).toEqual(['p.yml:5 warning product/fixed-input-without-values', 'q.yml:1 error product/not-a-mapping']);
  });

  it('YAML syntax errors are positioned and the file skipped', () => {
    const load = loadTexts({ 'p.yml': 'name: [x\n' });
    expect(load.diagnostics[0]!.code).toBe('yaml/syntax');
    expect(load.diagnostics[0]!.file).toBe('p.yml');
  });
});
