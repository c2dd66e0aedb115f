import { BUILTIN_FILE } from '../builtin.js';
import type { CheckContext, Declared } from '../check.js';

/** Infrahub's naming rules (core/constants): enforced offline so a load never fails on a name. */
const NAMESPACE = /^[A-Z][a-z0-9]+$/;
const NODE_NAME = /^[A-Z][a-zA-Z0-9]+$/;
const MEMBER_NAME = /^[a-z0-9_]+$/;
const IDENTIFIER_MAX = 128;

/** Namespaces Infrahub keeps for itself: a catalog's own kinds may not use them. */
export const RESTRICTED_NAMESPACES = ['Account', 'Branch', 'Core', 'Deprecated', 'Diff', 'Infrahub', 'Internal', 'Lineage', 'Schema', 'Profile', 'Template'];

export function checkNames(ctx: CheckContext): void {
  for (const d of ctx.declarations) {
    const { namespace, name } = d.raw;
    if (!NAMESPACE.test(namespace) || namespace.length < 3 || namespace.length > 32) {
      ctx.report('error', 'schema/invalid-name', `namespace "${namespace}" is invalid`, d, ['namespace'], {
        hint: 'a namespace starts with an upper-case letter followed by lower-case letters and digits (3 to 32 characters), e.g. "Dcim"',
      });
    } else if (d.file.source.file !== BUILTIN_FILE && RESTRICTED_NAMESPACES.includes(namespace)) {
      ctx.report('error', 'schema/restricted-namespace', `namespace "${namespace}" is reserved for Infrahub's own kinds`, d, ['namespace'], {
        hint: 'choose a namespace of your own; to add to a built-in kind use `extensions:`',
      });
    }
    if (!NODE_NAME.test(name) || name.length < 2 || name.length > 32) {
      ctx.report('error', 'schema/invalid-name', `name "${name}" is invalid`, d, ['name'], {
        hint: 'a node or generic name starts with an upper-case letter followed by letters and digits (2 to 32 characters), e.g. "Device"',
      });
    }
  }
  const members: Declared<{ name: string; identifier?: string }>[] = [...ctx.attributes, ...ctx.relationships];
  for (const m of members) {
    const n = m.raw.name;
    if (!MEMBER_NAME.test(n) || n.length < 3 || n.length > 32) {
      ctx.report('error', 'schema/invalid-name', `name "${n}" is invalid`, m, ['name'], {
        hint: 'attribute and relationship names use lower-case letters, digits and _ (3 to 32 characters), e.g. "serial_number"',
      });
    }
  }
  for (const r of ctx.relationships) {
    const id = r.raw.identifier;
    if (id !== undefined && (!MEMBER_NAME.test(id) || id.length > IDENTIFIER_MAX)) {
      ctx.report('error', 'schema/invalid-name', `identifier "${id}" is invalid`, r, ['identifier'], {
        hint: `identifiers use lower-case letters, digits and _ (at most ${IDENTIFIER_MAX} characters), e.g. "device__interface"`,
      });
    }
  }
}
