import type { InventoryObject, PeerRef } from '../inventory/model.js';
import { objectId } from '../inventory/paths.js';
import type { SchemaSet } from '../schema/model.js';

/**
 * IP namespaces (Infrahub's VRF-like segments): the same prefix in two namespaces is two resources,
 * so an IP pool counts only what sits in its own namespace, and two holders conflict only within
 * one. An object or pool that names no namespace is in the default one, as in Infrahub: the
 * namespace marked `default`, else the one named "default".
 */
export interface NamespaceSource {
  list(kind: string): InventoryObject[];
  hasKind(kind: string): boolean;
}

const NAMESPACE_KIND = 'BuiltinIPNamespace';

/** The namespace an object or pool is in, by id ('' when no namespace exists at all). */
export type NamespaceOf = (obj: InventoryObject) => string;

export function namespaceOf(src: NamespaceSource): NamespaceOf {
  const all = src.hasKind(NAMESPACE_KIND) ? src.list(NAMESPACE_KIND) : [];
  const fallback = findDefaultNamespace(all);
  const defaultId = fallback?.id ?? '';
  return (obj) => {
    const ref = obj.relationships.ip_namespace as PeerRef | PeerRef[] | undefined;
    const peer = Array.isArray(ref) ? ref[0] : ref;
    return peer?.id ?? defaultId;
  };
}

/** The kinds whose objects sit in an IP namespace. */
const IP_KINDS = ['BuiltinIPPrefix', 'BuiltinIPAddress'];
/** The node kind of Infrahub's own namespaces, and the name of the one it creates at first start. */
export const DEFAULT_NAMESPACE_KIND = 'IpamNamespace';
export const DEFAULT_NAMESPACE_NAME = 'default';

/** Whether objects of `kind` belong to an IP namespace (and the schema has one to give them). */
export function takesNamespace(schema: SchemaSet, kind: string): boolean {
  if (!schema.get(DEFAULT_NAMESPACE_KIND) || !IP_KINDS.some((k) => schema.isA(kind, k))) return false;
  return schema.get(kind)?.relationships.some((r) => r.name === 'ip_namespace' && r.cardinality === 'one') ?? false;
}

/** The default namespace among `all`: the one marked `default`, else the one named "default". */
export function findDefaultNamespace(all: readonly InventoryObject[]): InventoryObject | undefined {
  return all.find((n) => n.attributes.default === true) ?? all.find((n) => n.attributes.name === DEFAULT_NAMESPACE_NAME);
}

/**
 * The namespace Infrahub creates at first start, as svc makes it when nothing declares one: a prefix
 * or address that names no namespace belongs to it, and object files may refer to it as "default".
 */
export function builtinDefaultNamespace(): InventoryObject {
  return {
    id: objectId(DEFAULT_NAMESPACE_KIND, [DEFAULT_NAMESPACE_NAME]),
    kind: DEFAULT_NAMESPACE_KIND,
    attributes: { name: DEFAULT_NAMESPACE_NAME, default: true },
    relationships: {},
  };
}
