import type { AttributeSchema, KindSchema, RelationshipSchema, SchemaSet } from '../schema/model.js';
import type { AttributeValue } from '../inventory/model.js';
import type { AttributeCondition, NodeFilter, RelationshipCondition } from './source.js';

/**
 * Infrahub's filter arguments of a kind's query field, named as Infrahub names them:
 * `<attr>__value`, `<attr>__values`, `<attr>__isnull`, `<attr>__is_visible`, `<attr>__is_protected`,
 * `<rel>__ids`, `<rel>__isnull`, `<rel>__<peer attr>__value(s)`; beside `ids`, `hfid`, `offset`,
 * `limit` and `partial_match`. Each argument name maps to what it filters, so reading the arguments
 * of a call is one lookup per argument.
 */
export type FilterArg =
  | { on: 'attr'; attribute: AttributeSchema; what: 'value' | 'values' | 'isnull' | 'is_visible' | 'is_protected' }
  | { on: 'rel'; relationship: RelationshipSchema; what: 'ids' | 'isnull' }
  | { on: 'rel'; relationship: RelationshipSchema; what: 'value' | 'values'; attribute: AttributeSchema };

export function filterArgs(schema: SchemaSet, k: KindSchema, relationships: readonly RelationshipSchema[]): Map<string, FilterArg> {
  const out = new Map<string, FilterArg>();
  for (const a of k.attributes) {
    for (const what of ['value', 'values', 'isnull', 'is_visible', 'is_protected'] as const) out.set(`${a.name}__${what}`, { on: 'attr', attribute: a, what });
  }
  for (const r of relationships) {
    const peer = schema.get(r.peer);
    if (!peer) continue;
    out.set(`${r.name}__ids`, { on: 'rel', relationship: r, what: 'ids' });
    out.set(`${r.name}__isnull`, { on: 'rel', relationship: r, what: 'isnull' });
    for (const a of peer.attributes) {
      for (const what of ['value', 'values'] as const) out.set(`${r.name}__${a.name}__${what}`, { on: 'rel', relationship: r, what, attribute: a });
    }
  }
  return out;
}

/** Never matches: `is_visible: false` and `is_protected: true` (svc's values are always visible, never protected). */
const NOTHING: AttributeCondition = { attribute: '', op: 'isnull', value: true };

/**
 * The arguments of one call as a NodeFilter. An argument given as null counts as not given, as in
 * Infrahub (a query passes its optional variables straight through).
 */
export function readFilter(args: Record<string, unknown>, known: Map<string, FilterArg>): NodeFilter {
  const filter: NodeFilter = { attributes: [], relationships: [] };
  const partial = args.partial_match === true;
  const rels = new Map<string, RelationshipCondition>();
  const rel = (name: string) => {
    let c = rels.get(name);
    if (!c) rels.set(name, (c = { relationship: name, attributes: [] }));
    return c;
  };
  for (const [name, value] of Object.entries(args)) {
    if (value === null || value === undefined) continue;
    if (name === 'ids') filter.ids = (value as unknown[]).map(String);
    else if (name === 'hfid') filter.hfid = (value as unknown[]).map(String);
    const f = known.get(name);
    if (!f) continue;
    if (f.on === 'attr') {
      const attribute = f.attribute.name;
      if (f.what === 'value') filter.attributes.push({ attribute, op: partial && typeof value === 'string' ? 'like' : 'eq', value: value as AttributeValue });
      else if (f.what === 'values') filter.attributes.push({ attribute, op: 'in', value: value as AttributeValue[] });
      else if (f.what === 'isnull') filter.attributes.push({ attribute, op: 'isnull', value: value as boolean });
      else if ((f.what === 'is_visible' && value === false) || (f.what === 'is_protected' && value === true)) filter.attributes.push(NOTHING);
    } else if (f.what === 'ids') rel(f.relationship.name).ids = (value as unknown[]).map(String);
    else if (f.what === 'isnull') rel(f.relationship.name).isnull = value as boolean;
    else if ('attribute' in f) {
      const attribute = f.attribute.name;
      rel(f.relationship.name).attributes.push(f.what === 'value' ? { attribute, op: partial && typeof value === 'string' ? 'like' : 'eq', value: value as AttributeValue } : { attribute, op: 'in', value: value as AttributeValue[] });
    }
  }
  filter.relationships = [...rels.values()];
  return filter;
}
