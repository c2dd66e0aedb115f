import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { strictly } from '../../src/core/diagnostics.js';
import { mergeProductKinds } from '../../src/core/products/compile.js';
import { describeProduct } from '../../src/core/products/describe.js';
import { requestSchema, validateRequest, type JsonSchema } from '../../src/core/products/inputs.js';
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
