import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import type { AttributeSchema, KindSchema, RelationshipSchema, SchemaSet } from './model.js';

/** Where an attribute or relationship of a kind comes from, for `svc schema show`. */
export interface Origin {
  type: 'own' | 'inherited' | 'extension';
  /** The generic, for inherited items. */
  generic?: string;
  /** The file of the extension that added it (for inherited items: to the generic). */
  file?: string;
  /** file:line:column of the declaration. */
  at?: string;
}

export interface MemberView {
  name: string;
  /** Attribute kind, or relationship kind. */
  kind: string;
  summary: string;
  origin: Origin;
}

export interface KindView {
  kind: string;
  namespace: string;
  name: string;
  type: 'node' | 'generic';
  builtin: boolean;
  at?: string;
  inherit_from: string[];
  used_by: string[];
  human_friendly_id?: string[];
  uniqueness_constraints?: string[][];
  hierarchy?: string;
  parent?: string;
  children?: string;
  attributes: (MemberView & { optional: boolean; unique: boolean; default_value?: unknown; choices?: string[] })[];
  relationships: (MemberView & { peer: string; cardinality: string; optional: boolean; identifier: string; direction: string })[];
}

export interface KindRow {
  kind: string;
  namespace: string;
  type: 'node' | 'generic';
  attributes: number;
  relationships: number;
  file: string;
}

const where = (s: { source?: { file: string; line: number; column: number } }) => (s.source ? `${s.source.file}:${s.source.line}:${s.source.column}` : undefined);

function origin(x: AttributeSchema | RelationshipSchema): Origin {
  const at = where(x);
  const base: Origin = x.inherited_from ? { type: 'inherited', generic: x.inherited_from } : x.extended_in ? { type: 'extension' } : { type: 'own' };
  if (x.extended_in) base.file = x.extended_in;
  if (at) base.at = at;
  return base;
}

export function describeOrigin(o: Origin): string {
  if (o.type === 'own') return 'own';
  if (o.type === 'extension') return `added by extension in ${o.file ?? '?'}`;
  return `inherited from Generic ${o.generic ?? '?'}${o.file ? ` (extension in ${o.file})` : ''}`;
}

/** The resolved kind, or exit 2 with a did-you-mean when there is no such kind. */
export function describeKind(schema: SchemaSet, kind: string): KindView {
  const k = schema.get(kind);
  if (!k) {
    throw new UsageError('schema/unknown-kind', `no kind ${kind} in the schema`, {
      hint: didYouMean(kind, schema.kinds.keys()) ?? 'run `svc schema list` to see every kind',
    });
  }
  const at = where(k);
  return {
    kind: k.kind,
    namespace: k.namespace,
    name: k.name,
    type: k.isGeneric ? 'generic' : 'node',
    builtin: k.builtin,
    ...(at ? { at } : {}),
    inherit_from: k.inherit_from,
    used_by: k.used_by,
    ...(k.human_friendly_id ? { human_friendly_id: k.human_friendly_id } : {}),
    ...(k.uniqueness_constraints ? { uniqueness_constraints: k.uniqueness_constraints } : {}),
    ...(k.hierarchy ? { hierarchy: k.hierarchy } : {}),
    ...(k.parent ? { parent: k.parent } : {}),
    ...(k.children ? { children: k.children } : {}),
    attributes: k.attributes.map((a) => ({
      name: a.name,
      kind: a.kind,
      optional: a.optional,
      unique: a.unique,
      ...(a.default_value !== undefined ? { default_value: a.default_value } : {}),
      ...(a.choices ? { choices: a.choices.map((c) => c.name) } : {}),
      summary: [a.optional ? 'optional' : 'mandatory', a.unique ? 'unique' : '', a.read_only ? 'read-only' : '', a.default_value !== undefined ? `default ${JSON.stringify(a.default_value)}` : '']
        .filter(Boolean)
        .join(', '),
      origin: origin(a),
    })),
    relationships: k.relationships.map((r) => ({
      name: r.name,
      kind: r.kind,
      peer: r.peer,
      cardinality: r.cardinality,
      optional: r.optional,
      identifier: r.identifier,
      direction: r.direction,
      summary: [r.cardinality, r.optional ? 'optional' : 'mandatory', r.direction !== 'bidirectional' ? r.direction : ''].filter(Boolean).join(', '),
      origin: origin(r),
    })),
  };
}

/** Every kind, sorted by kind; built-ins included only when asked for. */
export function listKinds(schema: SchemaSet, opts: { builtin?: boolean } = {}): KindRow[] {
  return [...schema.kinds.values()]
    .filter((k) => opts.builtin || !k.builtin)
    .map((k: KindSchema) => ({
      kind: k.kind,
      namespace: k.namespace,
      type: k.isGeneric ? ('generic' as const) : ('node' as const),
      attributes: k.attributes.length,
      relationships: k.relationships.length,
      file: k.source?.file ?? '',
    }));
}
