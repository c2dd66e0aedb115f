import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { strictly } from '../../src/core/diagnostics.js';
import { mergeProductKinds } from '../../src/core/products/compile.js';
import { describeProduct } from '../../src/core/products/describe.js';
import { requestSchema, validateRequest, type JsonSchema } from '../../src/core/products/inputs.js';
import { variantsOf } from '../../src/core/products/variants.js';
import { FIXTURES, fixtureSchema, loadTexts } from './helpers.js';

/**
 * What SURF's product generator accepts, svc accepts: one fixture per pattern under
 * test/fixtures/products/upstream/, each loading with exactly the warning it should give (and, in
 * strict mode, that warning as an error).
 */
const fixture = (name: string) => ({ [`upstream/${name}`]: readFileSync(join(FIXTURES, 'upstream', name), 'utf8') });
const said = (load: ReturnType<typeof loadTexts>) => load.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}`);

function loadsWith(name: string, expected: string[]) {
  const load = loadTexts(fixture(name));
  expect(said(load)).toEqual(expected);
  expect(load.products).toBeDefined();
  // Strict mode: the same findings, each an error.
  expect(strictly(load.diagnostics, true).map((d) => d.severity)).toEqual(expected.map(() => 'error'));
  return load.products!;
}

describe('modifiable', () => {
  it('`modifiable:` with no value is modifiable; false is not, with a warning that SURF differs', () => {
    const set = loadsWith('modifiable.yml', ['19:21 warning product/modifiable-false']);
    const fields = Object.fromEntries(set.blocks.get('AccessPort')!.fields.map((f) => [f.name, f.modifiable]));
    expect(fields).toEqual({ port_label: true, speed_mbps: false, customer_vlan: false });
    const load = loadTexts(fixture('modifiable.yml'));
    expect(load.diagnostics[0]!.message).toBe('field "customer_vlan": modifiable: false: svc does not let a modify change it, but SURF treats any modifiable key as modifiable');
  });
});

describe('validations', () => {
  it('are kept; the ones with a rule svc can check reach the request form and the compiled kind; the others warn', () => {
    const set = loadsWith('validations.yml', ['15:17 warning product/validation-not-checked', '32:13 warning product/validation-not-run']);
    const product = set.products.get('circuit')!;
    const fields = set.blocks.get('Circuit')!.fields;
    expect(fields[0]!.validations!.map((v) => [v.id, v.rule])).toEqual([['circuit_id_must_be_unique', undefined], ['circuit_id_in_private_range', { maxValue: 4095 }]]);
    expect(product.workflowValidations.validate!.map((v) => v.id)).toEqual(['circuit_in_nms']);

    const form = requestSchema(product, set).properties as Record<string, JsonSchema>;
    expect(form.circuit_id).toEqual({ type: 'integer', minimum: 1, maximum: 4095 });
    expect(form.circuit_label).toEqual({ type: 'string', minLength: 1, maxLength: 8, allOf: [{ pattern: '^ckt-[0-9]{4}$', 'x-svc-validation': 'a label is ckt- and four digits' }] });
    const problems = validateRequest(product, set, { customer: 'c', circuit_id: 5000, circuit_label: 'ckt-12' });
    expect(problems.map((p) => [p.message, p.hint])).toEqual([
      ['circuit_id: 5000 is above the maximum 4095', undefined],
      ['circuit_label: "ckt-12" does not match ^ckt-[0-9]{4}$', 'a label is ckt- and four digits'],
    ]);
    expect(validateRequest(product, set, { customer: 'c', circuit_id: 7, circuit_label: 'ckt-0007' })).toEqual([]);
    expect(validateRequest(product, set, { customer: 'c', circuit_id: 7, circuit_label: 'ckt-00071' }).map((p) => p.message)).toEqual([
      'circuit_label: "ckt-00071" does not match ^ckt-[0-9]{4}$',
      'circuit_label: "ckt-00071" is longer than 8 characters',
    ]);

    const kind = mergeProductKinds(fixtureSchema().files, set).get('BlockCircuit')!;
    expect(kind.attributes.find((a) => a.name === 'circuit_id')).toMatchObject({ min_value: 1, max_value: 4095 });
    expect(kind.attributes.find((a) => a.name === 'circuit_label')).toMatchObject({ regex: '^ckt-[0-9]{4}$', max_length: 8 });

    const shown = describeProduct(set, 'circuit');
    expect(shown.blocks[0]!.fields[1]!.validations).toEqual([
      { id: 'circuit_label_format', description: 'a label is ckt- and four digits', checked: true, rule: { pattern: '^ckt-[0-9]{4}$' } },
      { id: 'circuit_label_length', checked: true, rule: { max_length: 8 } },
    ]);
    expect(shown.workflow_validations).toEqual({ validate: [{ id: 'circuit_in_nms', description: 'the circuit is known to the NMS', checked: false }] });
  });

  it('a rule that does not fit the field, or a pattern that is not one, is an error', () => {
    const text = readFileSync(join(FIXTURES, 'upstream/validations.yml'), 'utf8');
    const load = loadTexts({ 'p.yml': text.replace('max_length: 8', 'max_value: 8').replace("'^ckt-[0-9]{4}$'", "'^ckt-[0-9'") });
    expect(load.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line} ${d.code}`)).toEqual(['26 product/validation-bad-pattern', '27 product/validation-rule-type']);
  });
});

describe('keys and values svc does not use: warnings saying what svc does instead', () => {
  it('a fixed input with a default: every value is still a variant', () => {
    const set = loadsWith('fixed-input-default.yml', ['10:5 warning product/ignored-key']);
    expect(variantsOf(set.products.get('transit')!).map((v) => v.name)).toEqual(['transit 1000', 'transit 10000']);
  });

  it('a workflow with flows', () => {
    const set = loadsWith('workflow-flows.yml', ['14:5 warning product/ignored-key']);
    expect(set.products.get('wavelength')!.workflows.modify).toBe(true);
  });

  it('a fixed input of a type svc does not know is read as str', () => {
    const set = loadsWith('fixed-input-type.yml', ['7:11 warning product/unknown-fixed-input-type']);
    expect(set.products.get('colocation')!.fixedInputs[0]).toMatchObject({ type: 'str', values: ['2.5'] });
  });

  it('a block name that is not snake_case is read as snake_case', () => {
    const set = loadsWith('block-name.yml', ['6:11 warning product/block-name-not-snake-case', '15:11 warning product/block-name-not-snake-case']);
    const p = set.products.get('core link')!;
    expect(p.blocks.map((b) => b.name)).toEqual(['core_link', 'core_port']);
    expect(p.rootBlock).toBe('core_link');
    expect(loadTexts(fixture('block-name.yml')).diagnostics[0]!.message).toBe('block name "CoreLink" is not snake_case: svc reads it as "core_link" (its relationship and block_name)');
  });

  it('a missing tag: the type in upper case', () => {
    const set = loadsWith('missing-tag.yml', ['2:1 warning product/missing-tag']);
    expect(set.products.get('User')!.tag).toBe('USER');
  });

  it('types in lower case are read as UpperCamelCase, and so are references to them', () => {
    const set = loadsWith('lowercase-type.yml', ['3:7 warning product/type-not-camel-case', '7:11 warning product/type-not-camel-case', '16:11 warning product/type-not-camel-case']);
    const p = set.products.get('Router')!;
    expect(p.type).toBe('Router');
    expect([...set.blocks.keys()]).toEqual(['RouterBlock', 'UplinkPort']);
    expect(set.blocks.get('RouterBlock')!.fields[1]!.target).toEqual({ kind: 'block', block: 'UplinkPort' });
    expect(loadTexts(fixture('lowercase-type.yml')).diagnostics[0]!.message).toBe('product type "router" is not UpperCamelCase: svc reads it as "Router" (its subscription kind is ProductRouter)');
  });

  it('a fixed input without values: no variants from it, unset on subscriptions', () => {
    const set = loadsWith('fixed-input-without-values.yml', ['6:5 warning product/fixed-input-without-values']);
    expect(variantsOf(set.products.get('access link')!)).toEqual([{ name: 'access link', product: 'access link', fixedInputs: {} }]);
    const kind = mergeProductKinds(fixtureSchema().files, set).get('ProductAccessLink')!;
    expect(kind.attributes.find((a) => a.name === 'speed')).toMatchObject({ kind: 'Number', optional: true });
  });

  it('required: initial leaves the field optional, as in SURF', () => {
    const set = loadsWith('required-initial.yml', ['11:19 warning product/required-initial']);
    const fields = set.blocks.get('LabHost')!.fields;
    expect(fields.map((f) => [f.name, f.required])).toEqual([['hostname', undefined], ['owner', 'inactive']]);
  });

  it('enum values as {key, value}; Python interface types; an unknown Python type is read as str', () => {
    const set = loadsWith('enum-key-value.yml', ['22:15 warning product/unknown-python-type']);
    expect(variantsOf(set.products.get('uplink')!).map((v) => v.name)).toEqual(['uplink 1', 'uplink 10']);
    expect(set.blocks.get('Uplink')!.fields.map((f) => f.target)).toEqual([{ kind: 'scalar', type: 'ipv6' }, { kind: 'scalar', type: 'str' }]);
  });
});
