import type { Diff, ObjectChange, ObjectName } from './model.js';
import { cmp } from './order.js';
import { plural } from './phrases.js';

/**
 * What a change touched, as a Mermaid flowchart (GitHub draws it in a pull request): the changed
 * objects styled by change, the unchanged objects their relationships name drawn plain, and an
 * edge per relationship. Laid out left to right in the order a reviewer follows a service:
 * subscription → blocks → resources → interfaces → devices → sites. Bookkeeping kinds are not in
 * the Diff's kinds, so they never appear. Deterministic: nodes are numbered in drawing order.
 */

export interface MermaidOptions {
  /** Most nodes drawn; the rest are counted in a note. */
  maxNodes?: number;
}

export const MERMAID_MAX_NODES = 60;

export type NodeClass = 'added' | 'changed' | 'removed' | 'context' | 'focus';

export interface GraphNode {
  key: string;
  kind: string;
  label: string;
  cls: NodeClass;
  /** A subscription's lifecycle move, when it has one. */
  note?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  name: string;
  /** The link is gone (a removed object's, or one a change dropped). */
  removed: boolean;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Where a kind stands from left to right; by name, since the diff knows no schema. */
export function rank(kind: string): number {
  if (kind.startsWith('Product')) return 0;
  if (kind.startsWith('Block')) return 1;
  if (/Interface/.test(kind)) return 3;
  if (/Device/.test(kind)) return 4;
  if (kind.startsWith('Location') || /Site$/.test(kind)) return 5;
  return 2;
}

const CLASS: Record<ObjectChange['change'], NodeClass> = { added: 'added', changed: 'changed', renamed: 'changed', removed: 'removed' };

/** The graph of a diff: changed objects, and the peers their changed relationships name. */
export function diffGraph(d: Diff): Graph {
  const objects = d.kinds.flatMap((k) => k.objects);
  const nodes = new Map<string, GraphNode>();
  const byId = new Map<string, string>();
  const byLabel = new Map<string, string[]>();
  const moves = new Map(d.lifecycle.map((l) => [l.id, `${l.from ?? 'new'} → ${l.to ?? 'deleted'}`]));
  for (const o of objects) {
    const key = `${o.kind}:${o.id}`;
    const move = moves.get(o.id);
    nodes.set(key, { key, kind: o.kind, label: o.label, cls: CLASS[o.change], ...(move ? { note: move } : {}) });
    byId.set(o.id, key);
    byLabel.set(o.label, [...(byLabel.get(o.label) ?? []), key]);
  }
  const peerKey = (p: ObjectName): string => {
    if (p.id !== undefined && byId.has(p.id)) return byId.get(p.id)!;
    // A peer named by hfid: the changed object of that label, if exactly one has it.
    const same = byLabel.get(p.label) ?? [];
    const match = same.filter((k) => nodes.get(k)!.kind === p.kind);
    if (match.length === 1) return match[0]!;
    if (same.length === 1) return same[0]!;
    const key = `${p.kind}:${p.id ?? p.label}`;
    if (!nodes.has(key)) nodes.set(key, { key, kind: p.kind, label: p.label, cls: 'context' });
    return key;
  };
  const edges = new Map<string, GraphEdge>();
  for (const o of objects) {
    const self = `${o.kind}:${o.id}`;
    for (const r of o.relationships) {
      for (const [peers, gone] of [[r.added, o.change === 'removed'], [r.removed, true]] as const) {
        for (const p of peers) {
          const other = peerKey(p);
          if (other === self) continue;
          // Drawn left to right by rank; within a rank, as the relationship points.
          const [from, to] = rank(nodes.get(other)!.kind) < rank(o.kind) ? [other, self] : [self, other];
          const key = `${from}\0${to}\0${r.name}`;
          const had = edges.get(key);
          if (!had || (had.removed && !gone)) edges.set(key, { from, to, name: r.name, removed: gone });
        }
      }
    }
  }
  const order = (a: GraphNode, b: GraphNode) => rank(a.kind) - rank(b.kind) || (a.cls === 'context' ? 1 : 0) - (b.cls === 'context' ? 1 : 0) || cmp(a.kind, b.kind) || cmp(a.label, b.label) || cmp(a.key, b.key);
  return {
    nodes: [...nodes.values()].sort(order),
    edges: [...edges.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.name, b.name)),
  };
}

/**
 * The flowchart text (no fences). Past `maxNodes`, changed objects are kept before context ones,
 * left-most ranks first, and a note node says how many were left out.
 */
export function renderMermaid(graph: Graph, opts: MermaidOptions = {}): string {
  const max = opts.maxNodes ?? MERMAID_MAX_NODES;
  const changedFirst = [...graph.nodes.filter((n) => n.cls !== 'context'), ...graph.nodes.filter((n) => n.cls === 'context')];
  const kept = new Set(changedFirst.slice(0, max).map((n) => n.key));
  const shown = graph.nodes.filter((n) => kept.has(n.key));
  const ids = new Map(shown.map((n, i) => [n.key, `n${i + 1}`]));
  const lines = ['flowchart LR'];
  if (!shown.length) lines.push('  empty["no inventory changes"]');
  for (const n of shown) lines.push(`  ${ids.get(n.key)}["${text(n.kind)}<br/>${text(n.label)}${n.note ? `<br/>${text(n.note)}` : ''}"]:::${n.cls}`);
  const at = (k: string) => Number(ids.get(k)?.slice(1) ?? 0);
  const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).sort((a, b) => at(a.from) - at(b.from) || at(a.to) - at(b.to) || cmp(a.name, b.name));
  for (const e of edges) lines.push(`  ${ids.get(e.from)} ${e.removed ? '-.->' : '-->'}|${text(e.name)}| ${ids.get(e.to)}`);
  const cut = graph.nodes.length - shown.length;
  if (cut > 0) lines.push(`  more["… and ${plural(cut, 'object')} more, not drawn"]:::note`);
  lines.push(
    '  classDef added fill:#dafbe1,stroke:#1a7f37,color:#0d3a1b',
    '  classDef changed fill:#fff8c5,stroke:#9a6700,color:#3d2c00',
    '  classDef removed fill:#ffebe9,stroke:#cf222e,color:#5c0a0f,stroke-dasharray:4 3',
    '  classDef context fill:#f6f8fa,stroke:#8c959f,color:#24292f',
    '  classDef focus fill:#ddf4ff,stroke:#0969da,stroke-width:3px,color:#0a3069',
    '  classDef note fill:#ffffff,stroke:#8c959f,stroke-dasharray:2 2,color:#57606a',
  );
  return `${lines.join('\n')}\n`;
}

/** One object and what its relationships name, both directions: `svc show --graph`. */
export interface Neighbourhood {
  kind: string;
  id: string;
  label: string;
  relationships: { name: string; direction: 'out' | 'in'; peers: { kind: string; id: string; label: string }[] }[];
}

export function neighbourhoodGraph(o: Neighbourhood): Graph {
  const self = `${o.kind}:${o.id}`;
  const nodes = new Map<string, GraphNode>([[self, { key: self, kind: o.kind, label: o.label, cls: 'focus' }]]);
  const edges: GraphEdge[] = [];
  for (const r of o.relationships) {
    for (const p of r.peers) {
      const key = `${p.kind}:${p.id}`;
      if (!nodes.has(key)) nodes.set(key, { key, kind: p.kind, label: p.label, cls: 'context' });
      // Named from this object's side either way, so every edge reads from it.
      edges.push({ from: self, to: key, name: r.name, removed: false });
    }
  }
  const order = (a: GraphNode, b: GraphNode) => (a.cls === 'focus' ? -1 : b.cls === 'focus' ? 1 : rank(a.kind) - rank(b.kind) || cmp(a.kind, b.kind) || cmp(a.label, b.label) || cmp(a.key, b.key));
  return { nodes: [...nodes.values()].sort(order), edges };
}

/** How many nodes were left out of the drawing (0: all drawn). */
export const cutNodes = (graph: Graph, opts: MermaidOptions = {}): number => Math.max(0, graph.nodes.length - (opts.maxNodes ?? MERMAID_MAX_NODES));

/** Text inside a quoted Mermaid label: quotes, angle brackets and pipes as entity codes. */
function text(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
}
