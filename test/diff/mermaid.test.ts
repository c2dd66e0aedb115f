import { describe, expect, it } from 'vitest';
import { diffGraph, neighbourhoodGraph, renderMarkdown, renderMermaid, semanticDiff } from '../../src/core/diff/index.js';
import { objectPath } from '../../src/core/inventory/paths.js';
import { added, id, modified, otterSchema, PORT, portClaim, removed, run, SUB, subscription, vlanRecord } from './helpers.js';

const schema = otterSchema();
const VLAN = id('IpamVLAN', ['vlan__dia-0001']);
const GW = id('DcimInterfaceL3', ['rt01-par01', 'vlan1000']);
const port = (extra: Record<string, unknown>) => ({ id: PORT, name: 'Ethernet1/1', status: 'free', role: 'customer', enabled: false, device: 'sw01-par01', ...extra });
const vlan = { id: VLAN, name: 'vlan__dia-0001', vlan_id: 1000, status: 'active' };
const gateway = { id: GW, name: 'vlan1000', status: 'active', role: 'customer', enabled: true, device: 'rt01-par01', untagged_vlan: 'vlan__dia-0001' };

/** A request's change: a subscription, a VLAN, a port taken, an old gateway removed, and a run record. */
const sample = () =>
  semanticDiff(schema, [
    added('ProductDedicatedInternet/dia-0001.json', subscription('active')),
    added('IpamVLAN/vlan__dia-0001.json', vlan),
    modified(objectPath('DcimInterfaceL2', PORT, ['sw01-par01', 'Ethernet1/1']), port({}), port({ status: 'active', untagged_vlan: 'vlan__dia-0001' })),
    removed('DcimInterfaceL3/rt01-par01/vlan1000.json', gateway),
    added(`SvcGeneratorRun/dedicated_internet/${SUB}.json`, run([vlanRecord('1000'), portClaim()])),
  ]);

const nodes = (chart: string) => [...chart.matchAll(/^ {2}(n\d+)\["([^"]*)"\]:::(\w+)$/gm)].map((m) => ({ id: m[1], label: m[2], cls: m[3] }));
const edges = (chart: string) => [...chart.matchAll(/^ {2}(n\d+) (-->|-\.->)\|([^|]*)\| (n\d+)$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`);

describe('the Mermaid picture of a diff', () => {
  it('draws changed objects by class, the peers they name as context, and leaves bookkeeping out', () => {
    const chart = renderMermaid(diffGraph(sample()));
    expect(chart.startsWith('flowchart LR\n')).toBe(true);
    const n = nodes(chart);
    // Subscription first, then resources, interfaces, devices (left to right); context after the changed of a rank.
    expect(n.map((x) => `${x.label} ${x.cls}`)).toEqual([
      'ProductDedicatedInternet<br/>dia-0001<br/>new → active added',
      'IpamVLAN<br/>vlan__dia-0001 added',
      'DcimInterfaceL2<br/>sw01-par01 / Ethernet1/1 changed',
      'DcimInterfaceL3<br/>rt01-par01 / vlan1000 removed',
      'DcimDevice<br/>rt01-par01 context',
    ]);
    // The port's device did not change: only changed links are drawn, so no sw01-par01.
    expect(chart).not.toContain('SvcGeneratorRun');
    // A removed object's links are dashed; a VLAN points at the interfaces that carry it.
    expect(edges(chart)).toEqual(expect.arrayContaining(['n2 --> untagged_vlan n3', 'n2 -.-> untagged_vlan n4', 'n4 -.-> device n5']));
    for (const cls of ['added', 'changed', 'removed', 'context']) expect(chart).toMatch(new RegExp(`^ {2}classDef ${cls} fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}`, 'm'));
    expect(chart).not.toContain('more');
  });

  it('is the same text whatever order the files came in', () => {
    const files = [
      added('IpamVLAN/vlan__dia-0001.json', vlan),
      removed('DcimInterfaceL3/rt01-par01/vlan1000.json', gateway),
      added('ProductDedicatedInternet/dia-0001.json', subscription('active')),
      modified(objectPath('DcimInterfaceL2', PORT, ['sw01-par01', 'Ethernet1/1']), port({}), port({ status: 'active', untagged_vlan: 'vlan__dia-0001' })),
    ];
    const a = renderMermaid(diffGraph(semanticDiff(schema, files)));
    const b = renderMermaid(diffGraph(semanticDiff(schema, [...files].reverse())));
    expect(a).toBe(b);
  });

  it('is capped: changed objects are drawn first, and a note counts what was left out', () => {
    const many = semanticDiff(schema, Array.from({ length: 75 }, (_, i) => added(`IpamVLAN/v${i}.json`, { id: id('IpamVLAN', [`v${i}`]), name: `v${i}`, vlan_id: 2000 + i, status: 'active' })));
    const chart = renderMermaid(diffGraph(many));
    expect(nodes(chart)).toHaveLength(60);
    expect(chart).toContain('  more["… and 15 objects more, not drawn"]:::note\n');
    expect(nodes(renderMermaid(diffGraph(many), { maxNodes: 10 }))).toHaveLength(10);
    const md = renderMarkdown(many);
    expect(md).toContain('> The diagram shows 60 of 75 objects; the tables below list every change.');
  });

  it('opens the markdown body, after the title and before the summary', () => {
    const md = renderMarkdown(sample(), { range: { base: 'main', head: 'request/dia-0001' } });
    expect(md).toMatch(/^### Inventory diff: `main` → `request\/dia-0001`\n\n```mermaid\nflowchart LR\n[^`]+```\n\n2 added, 1 changed, 1 removed/);
    expect(renderMarkdown(sample(), { diagram: false })).not.toContain('```mermaid');
    // A tight budget keeps the tables and drops the picture.
    expect(renderMarkdown(sample(), { maxLength: 1500 })).not.toContain('```mermaid');
  });

  it('draws one object\'s neighbourhood for svc show --graph', () => {
    const chart = renderMermaid(neighbourhoodGraph({
      kind: 'DcimDevice', id: 'a'.repeat(16), label: 'sw01-par01',
      relationships: [
        { name: 'location', direction: 'out', peers: [{ kind: 'LocationSite', id: 'b'.repeat(16), label: 'par01' }] },
        { name: 'interfaces', direction: 'in', peers: [{ kind: 'DcimInterfaceL2', id: 'c'.repeat(16), label: 'sw01-par01 / Ethernet1/1' }] },
      ],
    }));
    expect(nodes(chart).map((x) => `${x.id} ${x.cls}`)).toEqual(['n1 focus', 'n2 context', 'n3 context']);
    expect(edges(chart)).toEqual(['n1 --> interfaces n2', 'n1 --> location n3']);
  });
});
