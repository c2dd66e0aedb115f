import type { CheckContext, DeclaredMember } from '../check.js';
import type { RawRelationship } from '../raw.js';
import { defaultIdentifier } from '../resolve.js';

type Rel = DeclaredMember<RawRelationship>;

/**
 * The two sides of one relationship share an identifier (given, or generated from both kinds). They
 * must point at each other, face each other (outbound ↔ inbound) and have cardinalities that can both
 * hold; a third relationship with the same identifier is always a mistake.
 */
export function checkIdentifiers(ctx: CheckContext): void {
  const groups = new Map<string, Rel[]>();
  for (const r of ctx.relationships) {
    if (!ctx.kinds.has(r.raw.peer)) continue;
    const id = r.raw.identifier ?? defaultIdentifier(r.owner, r.raw.peer);
    (groups.get(id) ?? groups.set(id, []).get(id)!).push(r);
  }
  for (const [id, all] of groups) {
    // A kind that redefines an inherited relationship (same name) is the same side, not a new one.
    const rels = all.filter((r) => !all.some((o) => o !== r && o.raw.name === r.raw.name && o.owner !== r.owner && ctx.schema.isA(r.owner, o.owner)));
    if (rels.length > 2) {
      const list = rels.map((r) => `${r.owner}.${r.raw.name}`).join(', ');
      for (const r of rels.slice(2)) {
        ctx.report('error', 'schema/identifier-overused', `identifier "${id}" is used by ${rels.length} relationships (${list})`, r, [r.raw.identifier === undefined ? 'name' : 'identifier'], {
          hint: 'an identifier joins exactly two sides of one relationship: give this one its own identifier',
        });
      }
      continue;
    }
    if (rels.length !== 2) continue;
    const [a, b] = rels as [Rel, Rel];
    pair(ctx, id, a, b);
  }
}

function compatible(ctx: CheckContext, x: string, y: string): boolean {
  if (x === y || x === 'CoreNode' || y === 'CoreNode' || ctx.schema.isA(x, y) || ctx.schema.isA(y, x)) return true;
  const cx = new Set(ctx.schema.concreteKinds(x));
  return ctx.schema.concreteKinds(y).some((k) => cx.has(k));
}

function pair(ctx: CheckContext, id: string, a: Rel, b: Rel): void {
  const sub = (r: Rel, key: string) => [r.raw[key] === undefined ? 'name' : key];
  const side = (r: Rel) => `${r.owner}.${r.raw.name}`;
  if (a.owner === b.owner && a.raw.peer !== a.owner) {
    ctx.report('error', 'schema/identifier-overused', `${side(a)} and ${side(b)} share identifier "${id}"`, b, [b.raw.identifier === undefined ? 'name' : 'identifier'], {
      hint: `two relationships of one kind need their own identifiers${b.raw.identifier === undefined ? ' (both were generated from the kind and peer): add `identifier:` to each' : ''}`,
    });
    return;
  }
  if (!compatible(ctx, a.raw.peer, b.owner) || !compatible(ctx, b.raw.peer, a.owner)) {
    ctx.report('error', 'schema/identifier-peer-mismatch', `identifier "${id}" joins ${side(a)} (peer ${a.raw.peer}) and ${side(b)} (peer ${b.raw.peer}), which do not point at each other`, b, sub(b, 'peer'), {
      hint: `the peer of one side must be the kind of the other: ${side(b)} should have peer ${a.owner}, or use a different identifier`,
    });
    return;
  }
  const da = a.raw.direction ?? 'bidirectional';
  const db = b.raw.direction ?? 'bidirectional';
  const facing = (da === 'bidirectional' && db === 'bidirectional') || (da === 'outbound' && db === 'inbound') || (da === 'inbound' && db === 'outbound');
  if (!facing) {
    ctx.report('error', 'schema/identifier-direction-mismatch', `identifier "${id}": ${side(a)} is ${da} but ${side(b)} is ${db}`, b, sub(b, 'direction'), {
      hint: 'outbound must face inbound, and bidirectional face bidirectional',
    });
  }
  const ca = a.raw.cardinality ?? 'many';
  const cb = b.raw.cardinality ?? 'many';
  const ka = a.raw.kind ?? 'Generic';
  const kb = b.raw.kind ?? 'Generic';
  const owning = (k: string) => k === 'Parent' || k === 'Component';
  let problem: string | undefined;
  if (ka === 'Parent' && kb === 'Parent') problem = 'both sides are of kind Parent';
  else if ((owning(ka) || owning(kb)) && ca === 'many' && cb === 'many') problem = `a ${owning(ka) ? ka : kb} relationship cannot be many on both sides`;
  if (problem) {
    ctx.report('error', 'schema/identifier-cardinality-mismatch', `identifier "${id}" joins ${side(a)} (${ka}, ${ca}) and ${side(b)} (${kb}, ${cb}): ${problem}`, b, sub(b, 'cardinality'), {
      hint: 'a parent holds many components and each component has one parent: Component + cardinality many on one side, Parent + cardinality one on the other',
    });
  }
}
