import type { InventoryObject, PeerRef } from '../inventory/model.js';

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
  const fallback = all.find((n) => n.attributes.default === true) ?? all.find((n) => n.attributes.name === 'default');
  const defaultId = fallback?.id ?? '';
  return (obj) => {
    const ref = obj.relationships.ip_namespace as PeerRef | PeerRef[] | undefined;
    const peer = Array.isArray(ref) ? ref[0] : ref;
    return peer?.id ?? defaultId;
  };
}
