import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SvcError } from '../../src/core/errors.js';
import { assertValidRequest, requestSchema, validateRequest } from '../../src/core/products/inputs.js';
import { variantsOf } from '../../src/core/products/variants.js';
import { productFileJsonSchema } from '../../src/core/products/file-schema.js';
import { fixtureFiles, loadOk } from './helpers.js';
import { world } from './world.js';

const w = world();
const dia = w.set.products.get('dedicated internet')!;
const good = { bandwidth: 1000, customer: 'acme', site: 'site-ams', ip_package: 'small' };

describe('the request form of a product', () => {
  it('lists the fixed inputs, the customer and the input fields, with types, choices and bounds', () => {
    expect(requestSchema(dia, w.set)).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'dedicated internet',
      type: 'object',
      additionalProperties: false,
      required: ['bandwidth', 'customer', 'site', 'ip_package'],
      properties: {
        bandwidth: { enum: [100, 1000, 10000], description: 'Committed bandwidth in Mb/s' },
        customer: { type: 'string', minLength: 1, description: 'The customer the subscription is for' },
        description: { type: 'string' },
        site: { type: 'string', minLength: 1, description: 'Where the customer wants the service', 'x-svc-reference': 'LocationSite' },
        ip_package: { enum: ['small', 'medium', 'large'], description: 'Public addresses: small /29, medium /28, large /27' },
        noc_contacts: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 3, description: 'Addresses our NOC notifies about this service' },
      },
    });
  });

  it('references list existing objects (ids and human-friendly ids) when an inventory is given', () => {
    const s = requestSchema(dia, w.set, { reader: w.reader, schema: w.schema });
    expect((s.properties as Record<string, { enum?: string[] }>).site!.enum).toEqual(['ams1', 'site-ams']);
    expect(validateRequest(dia, w.set, { ...good, site: 'ams1' }, { reader: w.reader, schema: w.schema })).toEqual([]);
    expect(validateRequest(dia, w.set, { ...good, site: 'ams2' }, { reader: w.reader, schema: w.schema })[0]!.message).toBe('site: "ams2" is not one of ams1, site-ams');
  });

  it('a variant pins its fixed inputs', () => {
    const v = variantsOf(dia).find((x) => x.name === 'dedicated internet 100')!;
    expect(validateRequest(dia, w.set, good, { variant: v }).map((p) => p.message)).toEqual(['bandwidth: 1000 is not 100, the value of this variant']);
  });

  it("a list of the product's own blocks nests their inputs; shared blocks are references", () => {
    const set = loadOk(fixtureFiles('surf'));
    expect((requestSchema(set.products.get('port')!, set).properties as Record<string, unknown>).mtu).toBeUndefined(); // optional: an output by convention
    const l2 = set.products.get('l2vpn')!;
    const s = requestSchema(l2, set).properties as Record<string, unknown>;
    expect(s.saps).toEqual({
      type: 'array',
      minItems: 2,
      maxItems: 8,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['vlan', 'port'],
        properties: {
          vlan: { type: 'integer', minimum: 2, maximum: 4094 },
          port: { type: 'string', minLength: 1, description: 'a BlockPort, by id', 'x-svc-reference': 'BlockPort' },
        },
      },
    });
    expect(s.site).toBeUndefined();
    const problems = validateRequest(l2, set, { customer: 'c', speed: 10, saps: [{ vlan: 5000, port: 'p1' }] });
    expect(problems.map((p) => p.message)).toEqual(['saps: 1 item given, at least 2 needed', 'saps[0].vlan: 5000 is above the maximum 4094']);
    const more = validateRequest(l2, set, { customer: 'c', speed: 10, saps: [{ vlan: 10, prot: 'p1' }, { vlan: 11, port: 'p2' }] });
    expect(more.map((p) => [p.message, p.hint])).toEqual([
      ['saps[0].port: missing, and required', undefined],
      ['saps[0].prot: not an input of this product', 'did you mean "port"?'],
    ]);
  });
});

describe('validating a request names the input, the value and what is allowed', () => {
  it.each([
    [{ ...good, bandwidth: 300 }, 'bandwidth: 300 is not one of 100, 1000, 10000', undefined],
    [{ ...good, ip_package: 'huge' }, 'ip_package: "huge" is not one of small, medium, large', undefined],
    [{ ...good, ip_package: 'smal' }, 'ip_package: "smal" is not one of small, medium, large', 'did you mean "small"?'],
    [{ ...good, customer: 7 }, 'customer: 7 is not a string', undefined],
    [{ ...good, customer: '' }, 'customer: may not be empty', undefined],
    [{ bandwidth: 100, site: 's', ip_package: 'small' }, 'customer: missing, and required', undefined],
    [{ ...good, sit: 'x' }, 'sit: not an input of this product', 'did you mean "site"?'],
    [{ ...good, noc_contacts: ['a', 'b', 'c', 'd'] }, 'noc_contacts: 4 items given, at most 3 allowed', undefined],
    [{ ...good, noc_contacts: ['a', 5] }, 'noc_contacts[1]: 5 is not a string', undefined],
  ])('%j', (request, message, hint) => {
    const problems = validateRequest(dia, w.set, request);
    expect(problems.map((p) => p.message)).toEqual([message]);
    if (hint) expect(problems[0]!.hint).toBe(hint);
  });

  it('reports every problem at once, sorted by input', () => {
    expect(validateRequest(dia, w.set, { bandwidth: 5, ip_package: 1 }).map((p) => p.input)).toEqual(['bandwidth', 'customer', 'ip_package', 'site']);
  });

  it('assertValidRequest throws one ValidationError carrying every problem', () => {
    expect(() => assertValidRequest(dia, w.set, good)).not.toThrow();
    try {
      assertValidRequest(dia, w.set, { ...good, bandwidth: 300 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SvcError);
      const err = e as SvcError;
      expect(err.exitCode).toBe(1);
      expect(err.message).toBe('the request for "dedicated internet" has 1 invalid input');
      expect(err.diagnostics.map((d) => d.message)).toEqual(['bandwidth: 300 is not one of 100, 1000, 10000']);
    }
  });
});

describe('IP inputs are checked as the inventory will read them', () => {
  const field = (name: string, type: string) => `      - name: ${name}\n        type: ${type}\n        role: input\n`;
  const text = `name: lab ip\ntype: LabIp\ntag: LIP\nproduct_blocks:\n  - name: lab_ip\n    type: LabIp\n    fields:\n${field('host4', 'ipaddress.IPv4Address')}${field('host6', 'ipaddress.IPv6Address')}${field('net4', 'ipaddress.IPv4Network')}${field('net6', 'ipaddress.IPv6Network')}`;
  const set = loadOk([{ file: 'p.yml', text }]);
  const lab = set.products.get('lab ip')!;
  const problems = (inputs: Record<string, unknown>) => validateRequest(lab, set, { customer: 'c', ...inputs }).map((p) => p.message);

  it('accepts addresses and prefixes of the right family', () => {
    expect(problems({ host4: '192.0.2.1', host6: '2001:db8::1', net4: '192.0.2.0/24', net6: '2001:db8::/48' })).toEqual([]);
    expect(problems({ host4: '192.0.2.1/24' })).toEqual([]);
  });

  it.each([
    [{ host4: 'not-an-ip' }, 'host4: "not-an-ip" is not an IPv4 address'],
    [{ host4: '2001:db8::1' }, 'host4: "2001:db8::1" is not an IPv4 address'],
    [{ host4: '192.0.2.300' }, 'host4: "192.0.2.300" is not an IPv4 address'],
    [{ host6: '192.0.2.1' }, 'host6: "192.0.2.1" is not an IPv6 address'],
    [{ net4: '192.0.2.0/33' }, 'net4: "192.0.2.0/33" is not an IPv4 prefix (such as 192.0.2.0/24)'],
    [{ net6: 'nope' }, 'net6: "nope" is not an IPv6 prefix (such as 2001:db8::/48)'],
  ])('%j', (inputs, message) => {
    expect(problems(inputs)).toEqual([message]);
  });
});

describe('the JSON Schema of product files (for editors)', () => {
  it('compiles, accepts the example products and the SURF fixtures as plain data', async () => {
    const { parse } = await import('yaml');
    const validate = new Ajv({ strict: false }).compile(productFileJsonSchema);
    for (const f of fixtureFiles('surf')) expect(validate(parse(f.text)), f.file).toBe(true);
    expect(validate({ name: 'x', type: 'X', tag: 'X', product_blocks: [], colour: 1 })).toBe(false);
  });
});
