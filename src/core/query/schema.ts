import {
  GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLInterfaceType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString,
  type GraphQLFieldConfig, type GraphQLFieldConfigArgumentMap, type GraphQLFieldConfigMap, type GraphQLOutputType,
} from 'graphql';
import type { KindSchema, RelationshipSchema, SchemaSet } from '../schema/model.js';
import { attributeTypes, filterScalar, type AttributeCell } from './attributes.js';
import { filterArgs, readFilter, type FilterArg } from './filters.js';
import type { QueryRun } from './run-context.js';
import type { NodeRow } from './source.js';

/**
 * The GraphQL schema Infrahub generates for a schema, rebuilt from svc's resolved one so that
 * Infrahub's queries run unchanged:
 *   Query.<Kind>(filters, offset, limit): Paginated<Kind> { count, edges: [Edged<Kind> { node }] }
 *   node: id, hfid, display_label, each attribute as an object ({ value, ... }), each relationship:
 *     cardinality one:  NestedEdged<Peer> { node, properties }
 *     cardinality many: NestedPaginated<Peer>(filters, offset, limit) { count, edges: [NestedEdged<Peer>] }
 * Generics are interfaces their kinds implement (`... on DcimDevice`, `__typename`); every kind
 * implements CoreNode, whose group relationships (member_of_groups) every node has, as in Infrahub.
 * Resolvers read through the QueryRun in the context: batched, never a statement per row.
 */
const cache = new WeakMap<SchemaSet, GraphQLSchema>();

export function querySchema(schema: SchemaSet): GraphQLSchema {
  let s = cache.get(schema);
  if (!s) cache.set(schema, (s = build(schema)));
  return s;
}

/** A kind's relationships with CoreNode's (group membership) added where the kind lacks them. */
export function relationshipsOf(schema: SchemaSet, k: KindSchema): RelationshipSchema[] {
  const core = schema.get('CoreNode');
  if (!core || k.kind === 'CoreNode') return k.relationships;
  const extra = core.relationships.filter((r) => !k.relationships.some((x) => x.name === r.name)).map((r) => ({ ...r, inherited_from: r.inherited_from ?? 'CoreNode' }));
  return extra.length ? [...k.relationships, ...extra] : k.relationships;
}

interface Ctx {
  run: QueryRun;
}
interface EdgeValue {
  id: string;
}
interface PageValue {
  count: number;
  ids: string[];
}

function build(schema: SchemaSet): GraphQLSchema {
  // Read when the fields are first needed, by then every kind has its type.
  const lineageFallback = new Map<string, GraphQLObjectType>();
  const lineage = (name: 'LineageSource' | 'LineageOwner'): GraphQLOutputType => {
    const t = nodeTypes.get(name);
    if (t) return t;
    let f = lineageFallback.get(name);
    if (!f) lineageFallback.set(name, (f = new GraphQLObjectType({ name, fields: { id: { type: GraphQLString }, display_label: { type: GraphQLString } } })));
    return f;
  };
  const attrs = attributeTypes(lineage);
  const kinds = [...schema.kinds.values()];
  const nodeTypes = new Map<string, GraphQLObjectType | GraphQLInterfaceType>();
  const argsOf = new Map<string, Map<string, FilterArg>>();
  const wrappers = new Map<string, { edged: GraphQLObjectType; paginated: GraphQLObjectType; nestedEdged: GraphQLObjectType; nestedPaginated: GraphQLObjectType }>();

  const filtersOf = (kind: string): Map<string, FilterArg> => {
    let f = argsOf.get(kind);
    if (!f) {
      const k = schema.get(kind)!;
      argsOf.set(kind, (f = filterArgs(schema, k, relationshipsOf(schema, k))));
    }
    return f;
  };
  const argConfig = (kind: string): GraphQLFieldConfigArgumentMap => {
    const out: GraphQLFieldConfigArgumentMap = {
      offset: { type: GraphQLInt },
      limit: { type: GraphQLInt },
      ids: { type: new GraphQLList(GraphQLID) },
      hfid: { type: new GraphQLList(GraphQLString) },
      partial_match: { type: GraphQLBoolean },
    };
    for (const [name, f] of filtersOf(kind)) {
      if (f.on === 'attr') {
        const scalar = filterScalar(f.attribute.kind);
        out[name] = { type: f.what === 'values' ? new GraphQLList(scalar) : f.what === 'value' ? scalar : GraphQLBoolean };
      } else if (f.what === 'ids') out[name] = { type: new GraphQLList(GraphQLID) };
      else if (f.what === 'isnull') out[name] = { type: GraphQLBoolean };
      else if ('attribute' in f) {
        const scalar = filterScalar(f.attribute.kind);
        out[name] = { type: f.what === 'values' ? new GraphQLList(scalar) : scalar };
      }
    }
    return out;
  };

  const relationshipProperty = new GraphQLObjectType({
    name: 'RelationshipProperty',
    fields: () => ({
      is_protected: { type: GraphQLBoolean, resolve: () => false },
      is_visible: { type: GraphQLBoolean, resolve: () => true },
      updated_at: { type: GraphQLString, resolve: () => null },
      source: { type: lineage('LineageSource'), resolve: () => null },
      owner: { type: lineage('LineageOwner'), resolve: () => null },
    }),
  });

  const nodeField = (kind: string): GraphQLFieldConfig<EdgeValue, Ctx> => ({
    type: nodeTypes.get(kind)!,
    resolve: (e, _a, ctx) => ctx.run.node(e.id),
  });
  const wrap = (kind: string) => {
    let w = wrappers.get(kind);
    if (!w) {
      const edged = new GraphQLObjectType<EdgeValue, Ctx>({ name: `Edged${kind}`, fields: () => ({ node: nodeField(kind) }) });
      const nestedEdged = new GraphQLObjectType<EdgeValue, Ctx>({
        name: `NestedEdged${kind}`,
        fields: () => ({ node: nodeField(kind), properties: { type: relationshipProperty, resolve: () => ({}) } }),
      });
      const page = (name: string, edge: GraphQLObjectType) =>
        new GraphQLObjectType<PageValue, Ctx>({
          name,
          fields: {
            count: { type: new GraphQLNonNull(GraphQLInt), resolve: (p) => p.count },
            edges: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(edge))), resolve: (p) => p.ids.map((id) => ({ id })) },
          },
        });
      w = { edged, paginated: page(`Paginated${kind}`, edged), nestedEdged, nestedPaginated: page(`NestedPaginated${kind}`, nestedEdged) };
      wrappers.set(kind, w);
    }
    return w;
  };

  const relField = (r: RelationshipSchema): GraphQLFieldConfig<NodeRow, Ctx> | undefined => {
    if (!nodeTypes.has(r.peer)) return undefined;
    const w = wrap(r.peer);
    if (r.cardinality === 'one') {
      return {
        type: w.nestedEdged,
        resolve: async (row, _a, ctx) => {
          const id = await ctx.run.one(row, r);
          return id === undefined ? null : { id };
        },
      };
    }
    return {
      type: new GraphQLNonNull(w.nestedPaginated),
      args: argConfig(r.peer),
      resolve: (row, args, ctx) => ctx.run.many(row, r, readFilter(args, filtersOf(r.peer)), page(args)),
    };
  };

  const fieldsOf = (k: KindSchema) => (): GraphQLFieldConfigMap<NodeRow, Ctx> => {
    const fields: GraphQLFieldConfigMap<NodeRow, Ctx> = {
      id: { type: new GraphQLNonNull(GraphQLString), resolve: (row) => row.id },
      hfid: { type: new GraphQLList(GraphQLString), resolve: (row) => row.hfid },
      display_label: { type: GraphQLString, resolve: (row) => displayLabel(schema, row) },
    };
    for (const a of k.attributes) {
      fields[a.name] = { type: attrs.typeFor(a.kind), resolve: (row): AttributeCell => ({ value: row.attributes[a.name], attribute: schema.get(row.kind)?.attributes.find((x) => x.name === a.name) ?? a }) };
    }
    for (const r of relationshipsOf(schema, k)) {
      if (k.isGeneric && !sharedByKinds(schema, k, r)) continue;
      const f = relField(r);
      if (f) fields[r.name] = f;
    }
    return fields;
  };

  const genericsOf = (k: KindSchema) => () =>
    kinds
      .filter((g) => g.isGeneric && g.kind !== k.kind && (schema.isA(k.kind, g.kind) || g.kind === 'CoreNode'))
      .map((g) => nodeTypes.get(g.kind) as GraphQLInterfaceType);

  for (const k of kinds) {
    if (k.isGeneric) {
      nodeTypes.set(k.kind, new GraphQLInterfaceType({ name: k.kind, ...(k.description ? { description: k.description } : {}), interfaces: genericsOf(k), fields: fieldsOf(k), resolveType: (row: NodeRow) => row.kind }));
    } else {
      nodeTypes.set(k.kind, new GraphQLObjectType({ name: k.kind, ...(k.description ? { description: k.description } : {}), interfaces: genericsOf(k), fields: fieldsOf(k) }));
    }
  }

  const query: GraphQLFieldConfigMap<unknown, Ctx> = {};
  for (const k of kinds) {
    query[k.kind] = {
      type: new GraphQLNonNull(wrap(k.kind).paginated),
      args: argConfig(k.kind),
      resolve: (_root, args, ctx): PageValue => ctx.run.root(k.kind, readFilter(args, filtersOf(k.kind)), page(args)),
    };
  }
  return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: query }), types: [...nodeTypes.values()] });
}

/**
 * Whether every kind of a generic has the relationship with the generic's peer and cardinality: an
 * interface field must have the same type in each kind. A hierarchy's parent and children do not
 * (a site's parent is a metro, a metro's a country): those are asked on the kind (`... on LocationSite`).
 */
function sharedByKinds(schema: SchemaSet, g: KindSchema, r: RelationshipSchema): boolean {
  return g.used_by.every((kind) => {
    const mine = schema.get(kind)?.relationships.find((x) => x.name === r.name);
    return mine === undefined ? r.inherited_from === 'CoreNode' || g.kind === 'CoreNode' : mine.peer === r.peer && mine.cardinality === r.cardinality;
  });
}

export interface Page {
  offset: number;
  limit: number | undefined;
}

const page = (args: Record<string, unknown>): Page => ({
  offset: typeof args.offset === 'number' && args.offset > 0 ? args.offset : 0,
  limit: typeof args.limit === 'number' && args.limit >= 0 ? args.limit : undefined,
});

/** The schema's display_labels (`name__value`, joined by a space), else Infrahub's "Kind(ID: id)". */
function displayLabel(schema: SchemaSet, row: NodeRow): string {
  const labels = schema.get(row.kind)?.display_labels ?? [];
  const parts: string[] = [];
  for (const l of labels) {
    const [name, prop] = l.split('__');
    const v = row.attributes[name ?? ''];
    if (prop === undefined || prop === 'value') {
      if (v !== undefined && v !== null) parts.push(typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
  }
  return parts.length ? parts.join(' ') : `${row.kind}(ID: ${row.id})`;
}
