import { didYouMean } from '../../suggest.js';
import type { CheckContext, DeclaredKind } from '../check.js';
import type { KindSchema } from '../model.js';

/** Properties an attribute path may end in (`name__value`); IP kinds add their computed parts. */
const PROPERTIES = new Set([
  'value', 'id', 'is_default', 'is_protected', 'is_visible', 'source', 'owner', 'color', 'label', 'description',
  'version', 'binary_address', 'prefixlen', 'netmask', 'hostmask', 'network_address', 'broadcast_address', 'ip', 'with_hostmask', 'with_netmask',
]);

interface PathProblem {
  code: 'schema/unresolved-path' | 'schema/path-through-many';
  message: string;
  hint: string;
}

/** human_friendly_id, uniqueness_constraints, order_by, display labels and default_filter must resolve. */
export function checkPaths(ctx: CheckContext): void {
  for (const d of ctx.kinds.values()) {
    const kind = ctx.schema.get(d.kind);
    if (!kind) continue;
    const check = (path: string, sub: (string | number)[], bareRelationship: boolean) => {
      const p = resolvePath(ctx, kind, path, bareRelationship);
      if (p) ctx.report('error', p.code, `${d.kind}.${sub.join('.')}: "${path}" ${p.message}`, d, sub, { hint: p.hint });
    };
    const list = (key: 'human_friendly_id' | 'order_by' | 'display_labels') => (d.raw[key] ?? []).forEach((p, i) => check(p, [key, i], false));
    list('human_friendly_id');
    list('order_by');
    list('display_labels');
    (d.raw.uniqueness_constraints ?? []).forEach((set, i) => (set ?? []).forEach((p, j) => check(p, ['uniqueness_constraints', i, j], true)));
    if (typeof d.raw.default_filter === 'string' && d.raw.default_filter !== '') check(d.raw.default_filter, ['default_filter'], false);
    displayLabel(d, check);
  }
}

/** display_label is a path or a Jinja2 template: every variable in the template must resolve. */
function displayLabel(d: DeclaredKind, check: (path: string, sub: (string | number)[], bare: boolean) => void): void {
  const label = d.raw.display_label;
  if (typeof label !== 'string') return;
  if (/^[a-z0-9_]+$/.test(label)) return check(label, ['display_label'], false);
  for (const m of label.matchAll(/\{\{\s*([a-z0-9_]+)[^}]*\}\}/g)) check(m[1]!, ['display_label'], false);
}

function resolvePath(ctx: CheckContext, kind: KindSchema, path: string, bareRelationship: boolean): PathProblem | undefined {
  const segs = path.split('__');
  const names = [...kind.attributes.map((a) => a.name), ...kind.relationships.map((r) => r.name)];
  const unknown = (name: string, on: KindSchema, list: string[]): PathProblem => ({
    code: 'schema/unresolved-path',
    message: `does not resolve: ${on.kind} has no attribute or relationship "${name}"`,
    hint: didYouMean(name, list) ?? `known here: ${list.join(', ') || '(none)'}`,
  });
  const first = segs[0]!;
  const rel = kind.relationships.find((r) => r.name === first);
  const attr = kind.attributes.find((a) => a.name === first);
  if (segs.length === 1) {
    if (rel && bareRelationship) return rel.cardinality === 'one' ? undefined : throughMany(rel.name, rel.peer);
    if (attr) return { code: 'schema/unresolved-path', message: 'names an attribute without a property', hint: `use "${first}__value"` };
    if (rel) return { code: 'schema/unresolved-path', message: 'names a relationship without an attribute of its peer', hint: `use "${first}__<attribute>__value", e.g. "${first}__name__value"` };
    return unknown(first, kind, names);
  }
  if (segs.length === 2) {
    if (attr) return property(segs[1]!);
    if (rel) return { code: 'schema/unresolved-path', message: `goes through relationship ${first} but names no attribute of ${rel.peer}`, hint: `use "${first}__${segs[1]}__value"` };
    return unknown(first, kind, names);
  }
  if (segs.length === 3) {
    if (!rel) return attr ? { code: 'schema/unresolved-path', message: `${first} is an attribute, not a relationship`, hint: `use "${first}__value"` } : unknown(first, kind, names);
    if (rel.cardinality !== 'one') return throughMany(rel.name, rel.peer);
    const peer = ctx.schema.get(rel.peer);
    if (!peer) return undefined; // the unknown peer is reported on its own
    const peerAttrs = peer.attributes.map((a) => a.name);
    if (!peerAttrs.includes(segs[1]!)) {
      return { code: 'schema/unresolved-path', message: `does not resolve: ${peer.kind} (peer of ${rel.name}) has no attribute "${segs[1]}"`, hint: didYouMean(segs[1]!, peerAttrs) ?? `attributes of ${peer.kind}: ${peerAttrs.join(', ') || '(none)'}` };
    }
    return property(segs[2]!);
  }
  return { code: 'schema/unresolved-path', message: 'goes deeper than one relationship', hint: 'a path is attribute__value or relationship__attribute__value' };
}

function property(p: string): PathProblem | undefined {
  if (PROPERTIES.has(p)) return undefined;
  return { code: 'schema/unresolved-path', message: `ends in an unknown property "${p}"`, hint: didYouMean(p, PROPERTIES) ?? 'end the path in __value' };
}

function throughMany(name: string, peer: string): PathProblem {
  return {
    code: 'schema/path-through-many',
    message: `goes through relationship ${name}, which is cardinality many`,
    hint: `paths may only follow cardinality-one relationships: set cardinality: one on ${name} (peer ${peer}) or use another path`,
  };
}
