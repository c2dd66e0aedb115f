import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { strictly } from '../../src/core/diagnostics.js';
import { FIXTURES, loadTexts } from './helpers.js';

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
