import { describe, expect, it } from 'vitest';
import { diffToJson, renderJson, renderMarkdown, renderText, semanticDiff, type Colours, type Diff } from '../../src/core/diff/index.js';
import { objectPath } from '../../src/core/inventory/paths.js';
import { added, id, modified, otterSchema, PORT, portClaim, removed, run, SUB, subscription, VLAN_POOL, vlanRecord } from './helpers.js';

const schema = otterSchema();
const DEV = id('DcimDevice', ['sw01-par01']);
const device = (extra: Record<string, unknown> = {}) => ({ id: DEV, name: 'sw01-par01', role: 'core', index: 1, status: 'active', location: 'par01', ...extra });
const vlan = (n: number) => ({ id: id('IpamVLAN', [`v${n}`]), name: `v${n}`, vlan_id: n, status: 'active', description: 'a | pipe and `ticks`' });
const POOLS = { labelOf: (x: string) => (x === VLAN_POOL ? 'Customer vlan pool' : undefined) };

function sample(opts: { all?: boolean } = {}): Diff {
  return semanticDiff(schema, [
    modified('ProductDedicatedInternet/dia-0001.json', subscription('provisioning'), subscription('active')),
    added(`SvcGeneratorRun/dedicated_internet/${SUB}.json`, run([vlanRecord('1000'), portClaim()])),
    modified(objectPath('DcimDevice', DEV, ['sw01-par01']), device({ tags: ['blue'] }), device({ status: 'maintenance', tags: ['red'] })),
    added('IpamVLAN/v1000.json', vlan(1000)),
    removed('LocationSite/par02.json', { id: id('LocationSite', ['par02']), name: 'par02', status: 'active' }),
  ], { ...POOLS, ...opts });
}

/** Colours that show where they were applied. */
const tags: Colours = { green: (s) => `<g>${s}</g>`, red: (s) => `<r>${s}</r>`, yellow: (s) => `<y>${s}</y>`, cyan: (s) => `<c>${s}</c>`, bold: (s) => `<b>${s}</b>`, dim: (s) => `<d>${s}</d>` };

describe('renderText', () => {
  it('prints the range, the summary, the call-outs, then each kind with +/~/- markers and old → new', () => {
    const out = renderText(sample(), { range: { base: 'main (1a2b3c4)', head: 'work tree' } });
    const lines = out.split('\n');
    expect(lines[0]).toBe('Inventory diff main (1a2b3c4) → work tree');
    expect(lines[1]).toBe('1 added, 2 changed, 1 removed · 1 bookkeeping change hidden (SvcGeneratorRun; --all shows it)');
    expect(out).toContain('Lifecycle\n  ProductDedicatedInternet dia-0001 (dedicated internet 1000): provisioning → active\n');
    expect(out).toContain(`  + claimed DcimInterfaceL2 ${PORT} for dia-0001 (customer-port)\n`);
    expect(out).toContain('  + allocated 1000 from Customer vlan pool for dia-0001 (vlan)\n');
    expect(out).toContain('DcimDevice  1 changed\n  ~ sw01-par01\n      status: active → maintenance\n      tags: + red, - blue\n');
    expect(out).toContain('IpamVLAN  1 added\n  + v1000\n      name: v1000\n');
    expect(out).toContain('LocationSite  1 removed\n  - par02\n');
    expect(out.indexOf('Allocations')).toBeLessThan(out.indexOf('DcimDevice  '));
    expect(out).not.toContain('SvcGeneratorRun  ');
  });

  it('colours through the injected instance', () => {
    const out = renderText(sample(), { colours: tags });
    expect(out).toContain('<y>~</y> sw01-par01');
    expect(out).toContain('status: <r>active</r> → <g>maintenance</g>');
    expect(out).toContain('<g>+</g> v1000');
    expect(out).toContain('<r>-</r> par02');
    expect(out).toContain('<c>provisioning → active</c>');
  });

  it('shows the bookkeeping kind with --all, cutting long values', () => {
    const out = renderText(sample({ all: true }), { maxValue: 40 });
    expect(out).toContain(`SvcGeneratorRun  1 added\n  + dedicated_internet / ${SUB}\n`);
    expect(out).toMatch(/allocations: \[\{"pool":.{20,}…\n/);
  });

  it('says so when nothing changed', () => {
    expect(renderText(semanticDiff(schema, []), { range: { base: 'a', head: 'b' } })).toBe('Inventory diff a → b\nNo inventory changes.\n');
  });
});

describe('renderMarkdown', () => {
  it('puts the summary table first, the call-outs next, then one collapsed section per kind', () => {
    const md = renderMarkdown(sample(), { range: { base: 'main', head: 'request/dia-0001' } });
    const lines = md.split('\n');
    expect(lines[0]).toBe('### Inventory diff: `main` → `request/dia-0001`');
    const table = lines.indexOf('| kind | added | changed | removed |');
    expect(table).toBeGreaterThan(0);
    expect(lines.slice(table + 1, table + 7)).toEqual([
      '| :--- | ---: | ---: | ---: |',
      '| DcimDevice | 0 | 1 | 0 |',
      '| IpamVLAN | 1 | 0 | 0 |',
      '| LocationSite | 0 | 0 | 1 |',
      '| ProductDedicatedInternet | 0 | 1 | 0 |',
      '| **total** | **1** | **2** | **1** |',
    ]);
    const firstDetails = md.indexOf('<details>');
    expect(md.indexOf('**Lifecycle**')).toBeGreaterThan(md.indexOf('**total**'));
    expect(md.indexOf('**Lifecycle**')).toBeLessThan(firstDetails);
    expect(md.indexOf('**Allocations**')).toBeLessThan(firstDetails);
    expect(md).toContain('- `ProductDedicatedInternet` **dia-0001 (dedicated internet 1000)**: `provisioning` → `active`');
    expect(md).toContain('- ➕ allocated 1000 from Customer vlan pool for dia-0001 (vlan)');
    const summaries = [...md.matchAll(/<summary><b>(\w+)<\/b>: ([^<]+)<\/summary>/g)].map((m) => [m[1], m[2]]);
    expect(summaries).toEqual([
      ['DcimDevice', '1 changed'],
      ['IpamVLAN', '1 added'],
      ['LocationSite', '1 removed'],
      ['ProductDedicatedInternet', '1 changed'],
    ]);
    expect(md.match(/<details>/g)).toHaveLength(4);
    expect(md.match(/<\/details>/g)).toHaveLength(4);
    // GitHub renders markdown inside <details> only after a blank line.
    expect(md).toContain('</summary>\n\n**changed** `sw01-par01`\n\n| | before | after |\n| :--- | :--- | :--- |\n| status | `active` | `maintenance` |\n| tags | −`blue` | +`red` |\n');
  });

  it('keeps table cells intact: pipes escaped, backticks fenced', () => {
    const md = renderMarkdown(sample());
    expect(md).toContain('| description | `` a \\| pipe and `ticks` `` |');
  });

  it('cuts to a length budget at object boundaries, keeps the summary, balances tags and says what is left out', () => {
    const many = semanticDiff(schema, Array.from({ length: 400 }, (_, i) => added(`IpamVLAN/v${i}.json`, vlan(2000 + i))));
    const full = renderMarkdown(many);
    expect(full.length).toBeGreaterThan(20_000);
    const cut = renderMarkdown(many, { maxLength: 20_000 });
    expect(cut.length).toBeLessThanOrEqual(20_000);
    expect(cut).toContain('| IpamVLAN | 400 | 0 | 0 |');
    expect(cut.match(/<details>/g)?.length).toBe(cut.match(/<\/details>/g)?.length);
    expect(cut).toMatch(/… and \d+ objects more\n<\/details>/);
    expect(cut).toMatch(/> Cut to fit: \d+ objects more not shown\. Run `svc diff` on the branch to see everything\.\n$/);
  });

  it('says so when nothing changed', () => {
    expect(renderMarkdown(semanticDiff(schema, []))).toBe('### Inventory diff\n\nNo inventory changes.\n');
  });
});

describe('renderJson', () => {
  it('has the documented shape: every key present, null for absent values, revisions when given', () => {
    const json = JSON.parse(renderJson(sample(), { base: { rev: 'main', commit: 'a'.repeat(40) }, head: { rev: 'work tree', commit: null } })) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['format', 'base', 'head', 'summary', 'lifecycle', 'allocations', 'kinds', 'hidden', 'files']);
    expect(json.format).toBe('svc-diff/1');
    expect(json.head).toEqual({ rev: 'work tree', commit: null });
    expect(json.summary).toEqual({ added: 1, changed: 2, removed: 1 });
    expect(json.hidden).toEqual([{ kind: 'SvcGeneratorRun', objects: 1 }]);
    const kinds = json.kinds as { kind: string; objects: Record<string, unknown>[] }[];
    const dev = kinds[0]!.objects[0]!;
    expect(Object.keys(dev)).toEqual(['change', 'kind', 'id', 'hfid', 'label', 'path', 'previousPath', 'previousLabel', 'attributes', 'relationships']);
    expect(dev.attributes).toEqual([{ name: 'status', before: 'active', after: 'maintenance' }]);
    expect(dev.relationships).toEqual([
      { name: 'tags', cardinality: 'many', added: [{ kind: 'BuiltinTag', id: null, hfid: ['red'], label: 'red' }], removed: [{ kind: 'BuiltinTag', id: null, hfid: ['blue'], label: 'blue' }] },
    ]);
    const vlanAdded = kinds[1]!.objects[0]!;
    expect((vlanAdded.attributes as { before: unknown }[]).every((a) => a.before === null)).toBe(true);
    const alloc = (json.allocations as Record<string, unknown>[])[1]!;
    expect(Object.keys(alloc)).toEqual(['action', 'type', 'resource', 'resourceLabel', 'pool', 'poolLabel', 'key', 'purpose', 'generator', 'target', 'targetLabel']);
    expect(alloc).toMatchObject({ action: 'allocated', resource: '1000', resourceLabel: null, poolLabel: 'Customer vlan pool', targetLabel: 'dia-0001' });
    expect(json.lifecycle).toEqual([{ kind: 'ProductDedicatedInternet', id: SUB, label: 'dia-0001', product: 'dedicated internet 1000', from: 'provisioning', to: 'active' }]);
  });

  it('prints the same bytes for the same change, and leaves out base and head when not given', () => {
    expect(renderJson(sample())).toBe(renderJson(sample()));
    expect(Object.keys(diffToJson(sample()) as object)).not.toContain('base');
  });
});
