import type { SourceLocation } from '../diagnostics.js';
import type { AttributeSchema, KindSchema, RelationshipSchema, SchemaSet } from '../schema/model.js';
import { addRemoveAction, ATTRIBUTE_PROPERTIES, NODE_PROPERTIES, RELATIONSHIP_PROPERTIES, updateAction } from './classify.js';
import type { ElementType, SchemaChange } from './model.js';

/**
 * Two resolved schemas → their differences, element by element, property by property. Only the
 * catalog's kinds (built-ins come with svc and change with it). An inherited attribute or
 * relationship is reported once, on the generic that declares it: that is where the change was
 * written, and the data checks reach every kind inheriting it.
 */
export function diffSchemas(before: SchemaSet, after: SchemaSet): SchemaChange[] {
  const out: SchemaChange[] = [];
  const names = new Set([...catalogKinds(before), ...catalogKinds(after)]);
  for (const name of [...names].sort()) {
    const b = catalogKind(before, name);
    const a = catalogKind(after, name);
    if (b && a && b.isGeneric === a.isGeneric) diffKind(b, a, out);
    else {
      if (b) out.push(element(b, 'removed', true));
      if (a) out.push(element(a, 'added', false));
    }
  }
  return out.sort(byPlace);
}

function catalogKinds(s: SchemaSet): string[] {
  return [...s.kinds.values()].filter((k) => !k.builtin).map((k) => k.kind);
}

function catalogKind(s: SchemaSet, name: string): KindSchema | undefined {
  const k = s.get(name);
  return k && !k.builtin ? k : undefined;
}

const typeOf = (k: KindSchema): ElementType => (k.isGeneric ? 'generic' : 'node');

function at(source: SourceLocation | undefined, atBase: boolean): Pick<SchemaChange, 'file' | 'line' | 'column' | 'atBase'> {
  if (!source) return {};
  return { file: source.file, line: source.line, column: source.column, ...(atBase ? { atBase: true } : {}) };
}

function element(k: KindSchema, change: 'added' | 'removed', atBase: boolean): SchemaChange {
  return { kind: k.kind, element: typeOf(k), change, action: addRemoveAction(typeOf(k), change), ...at(k.source, atBase) };
}

function diffKind(b: KindSchema, a: KindSchema, out: SchemaChange[]): void {
  const el = typeOf(a);
  for (const p of NODE_PROPERTIES) {
    const bv = (b as unknown as Record<string, unknown>)[p];
    const av = (a as unknown as Record<string, unknown>)[p];
    if (!same(bv, av)) out.push({ kind: a.kind, element: el, change: 'updated', property: p, ...values(bv, av), action: updateAction(el, p), ...at(a.source, false) });
  }
  diffMembers('attribute', a, b.attributes, a.attributes, ATTRIBUTE_PROPERTIES, out);
  diffMembers('relationship', a, b.relationships, a.relationships, RELATIONSHIP_PROPERTIES, out);
}

type Member = AttributeSchema | RelationshipSchema;

function diffMembers(el: 'attribute' | 'relationship', ak: KindSchema, before: readonly Member[], after: readonly Member[], props: readonly string[], out: SchemaChange[]): void {
  const own = (list: readonly Member[]) => new Map(list.filter((m) => m.inherited_from === undefined).map((m) => [m.name, m]));
  const bm = own(before);
  const am = own(after);
  for (const [name, b] of bm) {
    const a = am.get(name);
    if (!a) {
      // Removed here: point at the kind in the new schema, where the element is no longer written.
      out.push({ kind: ak.kind, element: el, name, change: 'removed', before: summary(b), action: addRemoveAction(el, 'removed'), ...at(ak.source ?? b.source, !ak.source) });
      continue;
    }
    for (const p of props) {
      const bv = (b as unknown as Record<string, unknown>)[p];
      const av = (a as unknown as Record<string, unknown>)[p];
      if (!same(bv, av)) out.push({ kind: ak.kind, element: el, name, change: 'updated', property: p, ...values(bv, av), action: updateAction(el, p), ...at(a.source, false) });
    }
  }
  for (const [name, a] of am) {
    if (!bm.has(name)) out.push({ kind: ak.kind, element: el, name, change: 'added', after: summary(a), action: addRemoveAction(el, 'added'), ...at(a.source, false) });
  }
}

/** The defining facts of an added or removed member, for the report (not its provenance). */
function summary(m: Member): Record<string, unknown> {
  if ('peer' in m) return { peer: m.peer, cardinality: m.cardinality, optional: m.optional };
  return { kind: m.kind, optional: m.optional, ...(m.default_value !== undefined ? { default_value: m.default_value } : {}) };
}

function values(before: unknown, after: unknown): Pick<SchemaChange, 'before' | 'after'> {
  return { ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function byPlace(x: SchemaChange, y: SchemaChange): number {
  return (
    (x.file ?? '').localeCompare(y.file ?? '') ||
    (x.line ?? 0) - (y.line ?? 0) ||
    x.kind.localeCompare(y.kind) ||
    (x.name ?? '').localeCompare(y.name ?? '') ||
    (x.property ?? '').localeCompare(y.property ?? '') ||
    x.change.localeCompare(y.change)
  );
}
