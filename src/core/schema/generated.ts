import { INTERNAL_NAMESPACES, type AttributeSchema, type KindSchema, type RelationshipSchema } from './model.js';
import type { RawKind } from './raw.js';

/**
 * The kinds Infrahub generates from a schema, which object files use:
 * - `Profile<Kind>` for every node (unless `generate_profile: false`): a named set of attribute
 *   values that objects take where they leave an attribute unset; the node gets `profiles`.
 * - `Template<Kind>` for every node with `generate_template: true`, and for the kinds its Component
 *   relationships reach: an object with its components, which a new object copies; the node gets
 *   `object_template`.
 * They are marked built in: svc makes them, the catalog does not declare them.
 */
export interface Generated {
  kinds: KindSchema[];
  /** Per generated kind, every kind it inherits from. */
  ancestors: Map<string, string[]>;
}

const PROFILE_BASE = 'CoreProfile';
const TEMPLATE_BASE = 'CoreObjectTemplate';
export const PROFILE_IDENTIFIER = 'node__profile';
export const TEMPLATE_IDENTIFIER = 'node__objecttemplate';

export const profileKindOf = (kind: string) => `Profile${kind}`;
export const templateKindOf = (kind: string) => `Template${kind}`;

/** Adds `profiles` and `object_template` to the kinds in `resolved` (in place) and returns the generated kinds. */
export function generateKinds(resolved: Map<string, KindSchema>, rawOf: (kind: string) => RawKind | undefined, ancestorsOf: (kind: string) => string[]): Generated {
  const out: Generated = { kinds: [], ancestors: new Map() };
  const profileBase = resolved.get(PROFILE_BASE);
  const templateBase = resolved.get(TEMPLATE_BASE);
  const catalogKinds = [...resolved.values()].filter((k) => !k.builtin && !INTERNAL_NAMESPACES.has(k.namespace));

  if (profileBase) {
    for (const k of catalogKinds) {
      if (k.isGeneric || rawOf(k.kind)?.generate_profile === false) continue;
      const kind = profileKindOf(k.kind);
      if (resolved.has(kind)) continue;
      out.kinds.push({
        kind,
        namespace: 'Profile',
        name: k.kind,
        isGeneric: false,
        builtin: true,
        inherit_from: [PROFILE_BASE],
        attributes: [...profileBase.attributes.map((a) => ({ ...a, inherited_from: PROFILE_BASE })), ...k.attributes.filter((a) => !a.unique && !a.read_only).map(loosen)],
        // No `related_nodes` as in Infrahub: the link is stored on the object's side (`profiles`),
        // where object files give it, whatever the kind's name.
        relationships: [],
        human_friendly_id: ['profile_name__value'],
        display_labels: ['profile_name__value'],
        label: `Profile ${k.label ?? k.kind}`,
        used_by: [],
      });
      out.ancestors.set(kind, [PROFILE_BASE]);
      k.relationships = [...k.relationships, relationship('profiles', kind, 'many', PROFILE_IDENTIFIER, 'Profile')];
    }
  }

  if (templateBase) {
    // The kinds that get a template: those asking for one, and every kind their components can be.
    const wanted = new Set<string>();
    const visit = (kind: string) => {
      if (wanted.has(kind)) return;
      const k = resolved.get(kind);
      if (!k || k.builtin) return;
      wanted.add(kind);
      if (k.isGeneric) for (const c of catalogKinds) if (!c.isGeneric && ancestorsOf(c.kind).includes(kind)) visit(c.kind);
      for (const r of k.relationships) if (r.kind === 'Component') visit(r.peer);
    };
    for (const k of catalogKinds) if (rawOf(k.kind)?.generate_template === true) visit(k.kind);
    for (const name of [...wanted].sort()) {
      const k = resolved.get(name)!;
      const kind = templateKindOf(name);
      if (resolved.has(kind)) continue;
      const ancestors = [TEMPLATE_BASE, ...ancestorsOf(name).filter((g) => wanted.has(g)).map(templateKindOf)];
      out.kinds.push({
        kind,
        namespace: 'Template',
        name,
        isGeneric: k.isGeneric,
        builtin: true,
        inherit_from: ancestors,
        attributes: [...templateBase.attributes.map((a) => ({ ...a, inherited_from: TEMPLATE_BASE })), ...k.attributes.filter((a) => !a.unique && !a.read_only).map(loosen)],
        // A template's components and parent are templates too; other links are left to the object.
        relationships: k.relationships
          .filter((r) => (r.kind === 'Component' || r.kind === 'Parent') && wanted.has(r.peer))
          .map((r) => ({ ...r, peer: templateKindOf(r.peer), optional: r.kind === 'Parent' ? r.optional : true, source: undefined, inherited_from: r.inherited_from && wanted.has(r.inherited_from) ? templateKindOf(r.inherited_from) : undefined }))
          .map(stripUndefined),
        human_friendly_id: ['template_name__value'],
        display_labels: ['template_name__value'],
        label: `Template ${k.label ?? name}`,
        used_by: [],
      });
      out.ancestors.set(kind, ancestors);
      if (!k.isGeneric) k.relationships = [...k.relationships, relationship('object_template', kind, 'one', TEMPLATE_IDENTIFIER, 'Template')];
    }
  }
  return out;
}

/** A profile or template value is never mandatory and has no default of its own. */
function loosen(a: AttributeSchema): AttributeSchema {
  const { default_value: _default, source: _source, ...rest } = a;
  return { ...rest, optional: true };
}

function relationship(name: string, peer: string, cardinality: 'one' | 'many', identifier: string, kind: 'Profile' | 'Template'): RelationshipSchema {
  return { name, peer, kind, cardinality, optional: true, direction: 'bidirectional', identifier, min_count: 0, max_count: cardinality === 'one' ? 1 : 0, read_only: false };
}

function stripUndefined<T extends object>(x: T): T {
  return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as T;
}
