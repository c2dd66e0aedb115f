import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { otterNetRepo, PROJECT_ROOT, svc } from '../helpers/repo.js';

/** Every kind the Otter-net model defines, by module. */
export const OTTER_NET_KINDS = [
  // schemas/base
  'LocationGeneric', 'DcimInterface', 'DcimDevice', 'DcimInterfaceL2', 'DcimInterfaceL3', 'IpamPrefix', 'IpamIPAddress',
  // schemas/location_minimal
  'LocationCountry', 'LocationMetro', 'LocationSite',
  // schemas/vlan
  'IpamL2Domain', 'IpamVLAN',
  // schemas/service
  'ServiceGeneric', 'ServiceDedicatedInternet',
].sort();

interface ValidateJson {
  ok: boolean;
  checked: Record<string, number>;
  diagnostics: Diagnostic[];
}

describe('the Otter-net example catalog', () => {
  it('lists its schema modules in .orchestrator.yml, base first, as the seed lists them in .infrahub.yml', () => {
    const config = parse(readFileSync(join(PROJECT_ROOT, '.orchestrator.yml'), 'utf8')) as { schemas: string[] };
    expect(config.schemas).toEqual(['schemas/base', 'schemas/location_minimal', 'schemas/vlan', 'schemas/service']);
  });

  it('passes `svc validate`: no errors, every kind of the model counted', () => {
    const repo = otterNetRepo();
    const r = svc(repo, ['validate', '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as ValidateJson;
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(r.code).toBe(0);
    expect(report.checked['schema files']).toBe(6);
    expect(report.checked['kinds']).toBeGreaterThanOrEqual(OTTER_NET_KINDS.length);
  });

  it('warns only about the CoreProposedChange extension, which has no meaning in svc', () => {
    const repo = otterNetRepo();
    const report = JSON.parse(svc(repo, ['validate', '--format', 'json']).stdout) as ValidateJson;
    const warnings = report.diagnostics.filter((d) => d.severity === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.file).toBe('schemas/service/service.yml');
    expect(warnings[0]!.message).toContain('CoreProposedChange');
  });

  it('`svc schema list` sees exactly the kinds of the model, each in its module', () => {
    const r = svc(otterNetRepo(), ['schema', 'list', '--format', 'json']);
    expect(r.code).toBe(0);
    const kinds = JSON.parse(r.stdout) as { kind: string; type: string; file: string }[];
    expect(kinds.map((k) => k.kind).sort()).toEqual(OTTER_NET_KINDS);
    const where = Object.fromEntries(kinds.map((k) => [k.kind, `${k.type} ${k.file}`]));
    expect(where['ServiceGeneric']).toBe('generic schemas/service/service.yml');
    expect(where['LocationSite']).toBe('node schemas/location_minimal/location_minimal.yml');
    expect(where['IpamVLAN']).toBe('node schemas/vlan/vlan.yml');
  });

  it('`svc schema show` resolves a customer port: inherited fields and the extensions that reach it', () => {
    const r = svc(otterNetRepo(), ['schema', 'show', 'DcimInterfaceL2', '--format', 'json']);
    expect(r.code).toBe(0);
    interface Item { name: string; origin: { type: string; generic?: string; file?: string } }
    const k = JSON.parse(r.stdout) as { human_friendly_id: string[]; attributes: Item[]; relationships: (Item & { identifier: string; direction: string })[] };
    expect(k.human_friendly_id).toEqual(['device__name__value', 'name__value']);
    const attrs = Object.fromEntries(k.attributes.map((a) => [a.name, a.origin.type === 'inherited' ? a.origin.generic : a.origin.type]));
    expect(attrs).toMatchObject({ name: 'DcimInterface', status: 'DcimInterface', role: 'DcimInterface', enabled: 'DcimInterface', speed: 'DcimInterface', l2_mode: 'own' });
    const service = k.relationships.find((x) => x.name === 'service')!;
    expect(service).toMatchObject({ identifier: 'service_interface', direction: 'outbound', origin: { file: 'schemas/service/service.yml' } });
    expect(k.relationships.find((x) => x.name === 'untagged_vlan')!.origin.file).toBe('schemas/vlan/vlan.yml');
  });

  it('prints a one-line summary for people', () => {
    const r = svc(otterNetRepo(), ['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ 6 schema files, 14 kinds\b.*: 0 errors/);
  });
});
