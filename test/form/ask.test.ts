import { describe, expect, it } from 'vitest';
import { askRequest } from '../../src/cli/form/ask.js';
import { SvcError } from '../../src/core/errors.js';
import { validateRequest } from '../../src/core/products/inputs.js';
import { world } from '../products/world.js';
import { formInput, labSet, surfSet } from './products.js';
import { scripted } from './scripted.js';

const w = world();

describe('askRequest: the Dedicated Internet form', () => {
  it('asks the variant, the customer, then each input in order, and returns a valid request', async () => {
    const p = scripted([{ pick: 'dedicated internet 1000' }, { type: 'acme' }, { pick: 'ams1' }, { pick: 'medium' }, { type: 'noc@acme.example, ops@acme.example' }, { type: '  Paris office uplink ' }]);
    const input = formInput(w.set, 'dedicated internet');
    const r = await askRequest(input, p);
    expect(p.transcript).toEqual([
      'select variant (bandwidth: Committed bandwidth in Mb/s) [dedicated internet 100 | dedicated internet 1000 | dedicated internet 10000]',
      '  → dedicated internet 1000',
      'input customer (The customer the subscription is for)',
      '  → "acme"',
      'select site (Where the customer wants the service) [ams1 | rtm1]',
      '  → ams1',
      'select ip_package (Public addresses: small /29, medium /28, large /27) [small | medium | large]',
      '  → medium',
      'input noc_contacts (Addresses our NOC notifies about this service; comma-separated; at most 3; optional)',
      '  → "noc@acme.example, ops@acme.example"',
      'input description (optional: free text about this subscription)',
      '  → "  Paris office uplink "',
    ]);
    expect(r.variant.name).toBe('dedicated internet 1000');
    expect(r.customer).toBe('acme');
    expect(r.inputs).toEqual({ site: 'site-ams', ip_package: 'medium', noc_contacts: ['noc@acme.example', 'ops@acme.example'] });
    expect(r.request).toEqual({ bandwidth: 1000, customer: 'acme', ...r.inputs, description: 'Paris office uplink' });
    expect(validateRequest(input.product, w.set, r.request, { variant: r.variant })).toEqual([]);
  });

  it('rejects answers as they are typed, with the messages --set errors use, and asks again', async () => {
    const p = scripted([
      { pick: 'dedicated internet 100' },
      { type: '   ' },
      { type: 'acme' },
      { pick: 'rtm1' },
      { pick: 'small' },
      { type: 'a, b, c, d' },
      { type: 'a,,b' },
      { type: 'a' },
      { type: '' },
    ]);
    const r = await askRequest(formInput(w.set, 'dedicated internet'), p);
    expect(p.transcript.filter((l) => l.startsWith('  ✗'))).toEqual([
      '  ✗ "   ": customer: missing, and required',
      '  ✗ "a, b, c, d": noc_contacts: 4 items given, at most 3 allowed',
      '  ✗ "a,,b": noc_contacts[1]: may not be empty',
    ]);
    expect(r.inputs.noc_contacts).toEqual(['a']);
    expect(r.inputs.site).toBe('site-rtm');
  });

  it('an empty optional answer leaves the input out; the customer default is offered and taken', async () => {
    const p = scripted([{ pick: 'dedicated internet 100' }, { type: '' }, { pick: 'ams1' }, { pick: 'large' }, { type: '' }, { type: '' }]);
    const r = await askRequest(formInput(w.set, 'dedicated internet', { customer: 'otter-retail' }), p);
    expect(p.transcript[2]).toBe('input customer (The customer the subscription is for) default otter-retail');
    expect(r.customer).toBe('otter-retail');
    expect(r.inputs).toEqual({ site: 'site-ams', ip_package: 'large' });
    // An empty description is no description.
    expect(r.request).not.toHaveProperty('description');
  });

  it('answers already given are not asked again; fixed-input values narrow the variants', async () => {
    const p = scripted([{ pick: 'medium' }, { type: '' }]);
    const r = await askRequest(formInput(w.set, 'dedicated internet', { preset: { customer: 'acme', inputs: { bandwidth: '10000', site: 'ams1', description: 'HQ' } } }), p);
    expect(p.transcript.filter((l) => !l.startsWith(' ')).map((l) => l.split(' (')[0])).toEqual(['select ip_package', 'input noc_contacts']);
    expect(r.variant.name).toBe('dedicated internet 10000');
    expect(r.inputs).toEqual({ site: 'ams1', ip_package: 'medium', description: 'HQ' });
    expect(r.request).toEqual({ bandwidth: 10000, customer: 'acme', site: 'ams1', ip_package: 'medium', description: 'HQ' });
  });

  it('one variant is not asked for', async () => {
    const input = formInput(w.set, 'dedicated internet');
    const only = input.variants.filter((v) => v.name === 'dedicated internet 100');
    const p = scripted([{ type: 'acme' }, { pick: 'ams1' }, { pick: 'small' }, { type: '' }, { type: '' }]);
    const r = await askRequest({ ...input, variants: only }, p);
    expect(p.transcript[0]).toMatch(/^input customer/);
    expect(r.request.bandwidth).toBe(100);
  });
});

describe('askRequest: every kind of field', () => {
  const set = labSet();
  const full = [
    { pick: 'lab gold' },
    { type: 'lab-co' },
    { type: 'many' },
    { type: '11' },
    { type: '2.5' },
    { type: '4' },
    { pick: 'green' },
    { pick: 'qa' },
    { pick: 'ops' },
    { pick: 'rtm1' },
    { pick: 'ams1' },
    { type: '80, x' },
    { type: '80, 443, 8080, 22' },
    { type: '80, 443' },
    { confirm: false },
    { confirm: true },
    { type: 'lab' },
    { type: '' },
    { type: '' },
  ];

  it('numbers checked against their bounds, choices, lists picked one by one, confirms, nested blocks', async () => {
    const p = scripted(full);
    const r = await askRequest(formInput(set, 'lab'), p);
    expect(p.transcript).toEqual([
      'select variant (tier: Support tier) [lab bronze | lab gold]',
      '  → lab gold',
      'input customer (The customer the subscription is for)',
      '  → "lab-co"',
      'input racks (How many racks; 1 to 10)',
      '  ✗ "many": racks: "many" is not an integer',
      '  ✗ "11": racks: 11 is above the maximum 10',
      '  ✗ "2.5": racks: 2.5 is not an integer',
      '  → "4"',
      'select colour (optional) [(none) | red | green | blue] default green',
      '  → green',
      'select tags[0] (0 chosen; at most 2; optional) [(none) | ops | dev | qa] default (none)',
      '  → qa',
      'select tags[1] (1 chosen; at most 2; optional) [(done) | ops | dev] default (done)',
      '  → ops',
      'select sites[0] (a LocationSite each; 0 chosen; at least 2) [ams1 | rtm1]',
      '  → rtm1',
      'select sites[1] (a LocationSite each; 1 chosen; at least 2) [ams1]',
      '  → ams1',
      'input ports (comma-separated; 1 to 3 items)',
      '  ✗ "80, x": ports[1]: "x" is not an integer',
      '  ✗ "80, 443, 8080, 22": ports: 4 items given, at most 3 allowed',
      '  → "80, 443"',
      'confirm monitored default yes',
      '  → no',
      'confirm settings: fill it in? (optional) default no',
      '  → yes',
      'input settings.mode',
      '  → "lab"',
      'input label (optional)',
      '  → ""',
      'input description (optional: free text about this subscription)',
      '  → ""',
    ]);
    expect(r.inputs).toEqual({ racks: 4, colour: 'green', tags: ['qa', 'ops'], sites: ['site-rtm', 'site-ams'], ports: [80, 443], monitored: false, settings: { mode: 'lab' } });
    expect(r.request).toEqual({ tier: 'gold', customer: 'lab-co', ...r.inputs });
    expect(validateRequest(set.products.get('lab')!, set, r.request)).toEqual([]);
  });

  it('a list of the product\'s own blocks asks each item as a sub-form, at least min_items of them', async () => {
    const surf = surfSet();
    const ports = [{ id: 'blk-port-2', label: 'ams-pe-01/et-0/0/2' }, { id: 'blk-port-1', label: 'ams-pe-01/et-0/0/1' }];
    const p = scripted([
      { type: 'c' },
      { type: '100' },
      { type: '1' },
      { type: '10' },
      { pick: 'ams-pe-01/et-0/0/1' },
      { type: '20' },
      { pick: 'ams-pe-01/et-0/0/2' },
      { confirm: false },
      { type: '' },
    ]);
    const l2 = surf.products.get('l2vpn')!;
    const r = await askRequest(formInput(surf, 'l2vpn', { choices: new Map([['BlockPort', ports]]) }), p);
    expect(p.transcript).toEqual([
      'input customer (The customer the subscription is for)',
      '  → "c"',
      'input speed',
      '  → "100"',
      'input saps[0].vlan (2 to 4094)',
      '  ✗ "1": saps[0].vlan: 1 is below the minimum 2',
      '  → "10"',
      'select saps[0].port (a BlockPort) [ams-pe-01/et-0/0/1 | ams-pe-01/et-0/0/2]',
      '  → ams-pe-01/et-0/0/1',
      'input saps[1].vlan (2 to 4094)',
      '  → "20"',
      'select saps[1].port (a BlockPort) [ams-pe-01/et-0/0/1 | ams-pe-01/et-0/0/2]',
      '  → ams-pe-01/et-0/0/2',
      'confirm saps: add another? (2 so far; 2 to 8 items) default no',
      '  → no',
      'input description (optional: free text about this subscription)',
      '  → ""',
    ]);
    expect(r.inputs).toEqual({ speed: 100, saps: [{ vlan: 10, port: 'blk-port-1' }, { vlan: 20, port: 'blk-port-2' }] });
    expect(validateRequest(l2, surf, r.request)).toEqual([]);
  });

  it('an optional boolean with no default is offered as no; an enum default is highlighted', async () => {
    const p = scripted([{ pick: 'port 1000' }, { type: 'c' }, { pick: 'ams-pe-01' }, { type: 'et-0/0/1' }, { pick: 'tagged' }, { confirm: true }, { type: '' }]);
    const r = await askRequest(formInput(w.set, 'port', { choices: new Map([['BlockNode', [{ id: 'blk-node', label: 'ams-pe-01' }]]]) }), p);
    expect(p.transcript).toContain('select port_mode (optional) [(none) | tagged | untagged] default tagged');
    expect(p.transcript).toContain('confirm auto_negotiation default no');
    expect(r.inputs).toEqual({ node: 'blk-node', port_name: 'et-0/0/1', port_mode: 'tagged', auto_negotiation: true });
  });
});

describe('askRequest: refusals', () => {
  const cancelled = async (answers: Parameters<typeof scripted>[0]) => {
    const p = scripted(answers);
    const e = await askRequest(formInput(w.set, 'dedicated internet'), p).then(
      () => undefined,
      (x: unknown) => x,
    );
    return { e: e as SvcError, p };
  };

  it.each([
    ['at the first question', [{ cancel: true } as const]],
    ['half-way through', [{ pick: 'dedicated internet 100' }, { type: 'acme' }, { cancel: true } as const]],
  ])('Ctrl-C %s ends with "cancelled, nothing created" (a UsageError, request/cancelled)', async (_, answers) => {
    const { e, p } = await cancelled(answers);
    expect(e).toBeInstanceOf(SvcError);
    expect(e.name).toBe('UsageError');
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe('request/cancelled');
    expect(e.message).toBe('cancelled, nothing created');
    expect(p.left()).toEqual([]);
  });

  it('a required reference with nothing to choose from says so instead of asking', async () => {
    const p = scripted([{ pick: 'dedicated internet 100' }, { type: 'acme' }]);
    const e = (await askRequest(formInput(w.set, 'dedicated internet', { choices: new Map() }), p).catch((x: unknown) => x)) as SvcError;
    expect([e.code, e.message, e.hint]).toEqual([
      'request/no-choices',
      'site needs a LocationSite, and the inventory has none',
      'add a LocationSite to the inventory first (svc load), then request again',
    ]);
  });

  it.each([
    [[], 'sites needs a LocationSite, and the inventory has none'],
    [[{ id: 'site-ams', label: 'ams1' }], 'sites needs at least 2 different LocationSite objects, and the inventory has 1'],
  ])('a list needing more different objects than exist says so (%j)', async (sites, message) => {
    const set = labSet();
    const input = formInput(set, 'lab', { choices: new Map([['LocationSite', sites]]) });
    const p = scripted([{ pick: 'lab gold' }, { type: 'c' }, { type: '1' }, { pick: 'red' }, { pick: '(none)' }, { pick: 'ams1' }]);
    const e = (await askRequest(input, p).catch((x: unknown) => x)) as SvcError;
    expect([e.code, e.message]).toEqual(['request/no-choices', message]);
    expect(p.transcript.filter((l) => l.startsWith('select sites')).length).toBe(sites.length);
  });

  it('a fixed-input value no variant has is refused before any question', async () => {
    const p = scripted([]);
    const e = (await askRequest(formInput(w.set, 'dedicated internet', { preset: { inputs: { bandwidth: 5 } } }), p).catch((x: unknown) => x)) as SvcError;
    expect([e.code, e.message, e.hint]).toEqual([
      'request/no-variant',
      'no variant of "dedicated internet" has bandwidth=5',
      'variants: dedicated internet 100, dedicated internet 1000, dedicated internet 10000',
    ]);
    expect(p.transcript).toEqual([]);
  });
});
