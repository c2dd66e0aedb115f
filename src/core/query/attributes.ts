import { GraphQLBoolean, GraphQLFloat, GraphQLInt, GraphQLObjectType, GraphQLScalarType, GraphQLString, type GraphQLFieldConfigMap, type GraphQLOutputType } from 'graphql';
import type { AttributeValue } from '../inventory/model.js';
import type { AttributeKind, AttributeSchema } from '../schema/model.js';
import { ipFacts } from './ip.js';

/** What an attribute field resolves to: the value and the schema that describes it. */
export interface AttributeCell {
  value: AttributeValue | undefined;
  attribute: AttributeSchema;
}

/** graphene's GenericScalar: any JSON value, as Infrahub's List, JSON and Any attributes. */
export const GenericScalar = new GraphQLScalarType({ name: 'GenericScalar', description: 'Any JSON value' });

/** Infrahub's attribute object types by name, and the scalar their filters take. */
export function attributeTypeName(kind: AttributeKind): string {
  switch (kind) {
    case 'Number':
    case 'NumberPool':
    case 'Bandwidth':
      return 'NumberAttribute';
    case 'Boolean':
    case 'Checkbox':
      return 'CheckboxAttribute';
    case 'Dropdown':
      return 'Dropdown';
    case 'IPHost':
      return 'IPHost';
    case 'IPNetwork':
      return 'IPNetwork';
    case 'List':
      return 'ListAttribute';
    case 'JSON':
      return 'JSONAttribute';
    case 'Any':
      return 'AnyAttribute';
    case 'HashedPassword':
      return 'HashedPasswordAttribute';
    case 'MacAddress':
      return 'MacAddress';
    default:
      return 'TextAttribute';
  }
}

export function filterScalar(kind: AttributeKind): GraphQLScalarType {
  switch (attributeTypeName(kind)) {
    case 'NumberAttribute':
      return GraphQLInt;
    case 'CheckboxAttribute':
      return GraphQLBoolean;
    case 'ListAttribute':
    case 'JSONAttribute':
    case 'AnyAttribute':
      return GenericScalar;
    default:
      return GraphQLString;
  }
}

/**
 * The attribute object types, made once per GraphQL schema. `lineage`: the type of `source` and
 * `owner` (Infrahub's LineageSource and LineageOwner generics, which svc's built-in schema has). Metadata svc does not keep (source,
 * owner, updated_at, ids of attributes) answer null; every value is visible and unprotected, so
 * queries written for Infrahub that ask for them still run.
 */
export function attributeTypes(lineage: (name: 'LineageSource' | 'LineageOwner') => GraphQLOutputType): { typeFor(kind: AttributeKind): GraphQLObjectType } {
  const meta = (): GraphQLFieldConfigMap<AttributeCell, unknown> => ({
    id: { type: GraphQLString, resolve: () => null },
    is_default: { type: GraphQLBoolean, resolve: (c) => c.value === undefined && c.attribute.default_value !== undefined },
    is_from_profile: { type: GraphQLBoolean, resolve: () => false },
    is_inherited: { type: GraphQLBoolean, resolve: () => false },
    is_protected: { type: GraphQLBoolean, resolve: () => false },
    is_visible: { type: GraphQLBoolean, resolve: () => true },
    updated_at: { type: GraphQLString, resolve: () => null },
    source: { type: lineage('LineageSource'), resolve: () => null },
    owner: { type: lineage('LineageOwner'), resolve: () => null },
  });
  const value = (type: GraphQLOutputType) => ({ type, resolve: (c: AttributeCell) => c.value ?? null });
  const ip = (c: AttributeCell) => (typeof c.value === 'string' ? ipFacts(c.value) : undefined);
  const ipField = (type: GraphQLOutputType, key: keyof NonNullable<ReturnType<typeof ipFacts>>) => ({ type, resolve: (c: AttributeCell) => ip(c)?.[key] ?? null });
  const choice = (c: AttributeCell) => c.attribute.choices?.find((x) => x.name === c.value);
  const made = new Map<string, GraphQLObjectType>();
  const make = (name: string, fields: GraphQLFieldConfigMap<AttributeCell, unknown>) => new GraphQLObjectType<AttributeCell>({ name, fields: () => ({ ...fields, ...meta() }) });
  const build = (name: string): GraphQLObjectType => {
    switch (name) {
      case 'NumberAttribute':
        // Int is 32-bit in GraphQL; bandwidths in bit/s are not: a Float carries any safe integer.
        return make(name, { value: value(GraphQLFloat) });
      case 'CheckboxAttribute':
        return make(name, { value: value(GraphQLBoolean) });
      case 'ListAttribute':
      case 'JSONAttribute':
      case 'AnyAttribute':
        return make(name, { value: value(GenericScalar) });
      case 'Dropdown':
        return make(name, {
          value: value(GraphQLString),
          label: { type: GraphQLString, resolve: (c) => choice(c)?.label ?? null },
          color: { type: GraphQLString, resolve: (c) => choice(c)?.color ?? null },
          description: { type: GraphQLString, resolve: (c) => choice(c)?.description ?? null },
        });
      case 'IPHost':
        return make(name, {
          value: value(GraphQLString),
          ip: ipField(GraphQLString, 'ip'),
          hostmask: ipField(GraphQLString, 'hostmask'),
          netmask: ipField(GraphQLString, 'netmask'),
          prefixlen: ipField(GraphQLString, 'prefixlen'),
          version: ipField(GraphQLInt, 'version'),
          with_hostmask: ipField(GraphQLString, 'with_hostmask'),
          with_netmask: ipField(GraphQLString, 'with_netmask'),
        });
      case 'IPNetwork':
        return make(name, {
          value: value(GraphQLString),
          broadcast_address: ipField(GraphQLString, 'broadcast_address'),
          hostmask: ipField(GraphQLString, 'hostmask'),
          netmask: ipField(GraphQLString, 'netmask'),
          prefixlen: ipField(GraphQLString, 'prefixlen'),
          num_addresses: ipField(GraphQLFloat, 'num_addresses'),
          version: ipField(GraphQLInt, 'version'),
          with_hostmask: ipField(GraphQLString, 'with_hostmask'),
          with_netmask: ipField(GraphQLString, 'with_netmask'),
        });
      default:
        return make(name, { value: value(GraphQLString) });
    }
  };
  return {
    typeFor(kind) {
      const name = attributeTypeName(kind);
      let t = made.get(name);
      if (!t) made.set(name, (t = build(name)));
      return t;
    },
  };
}
