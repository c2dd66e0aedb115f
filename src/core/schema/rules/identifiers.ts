import type { CheckContext, Declared, DeclaredMember } from '../check.js';
import type { RelationshipSchema } from '../model.js';
import type { RawRelationship } from '../raw.js';
import { defaultIdentifier } from '../resolve.js';

type Rel = DeclaredMember<RawRelationship>;

/**
 * Relationship identifiers. Infrahub's own rules are errors: per kind (after inheritance) an identifier
 * is held by one relationship, or by two that are exactly inbound and outbound; and where a
 * relationship's peer holds exactly one relationship with that identifier, their directions are both
 * bidirectional or inbound against outbound. That is all Infrahub asks: many kinds may share an
 * identifier, and the two sides need not point at each other.
 *
 * svc pairs the two sides of a link by identifier (which side stores it: ../../inventory/ownership.ts),
 * so it also warns where that pairing is a guess: more than two relationships on one identifier, sides
 * that do not point at each other, cardinalities no parent/component link can have.
 */
export function checkIdentifiers(ctx: CheckContext): void {
  const failed = infrahubRules(ctx);
  svcPairing(ctx, failed);
}

/** The declaration of a kind's relationship: its own, its generic's, or (implicit ones) the kind's. */
function declarationOf(ctx: CheckContext, byOwner: Map<string, Rel>, kind: string, rel: RelationshipSchema): { at: Declared<unknown>; sub: (string | number)[] } | undefined {
  const own = byOwner.get(`${rel.inherited_from ?? kind}\0${rel.name}`) ?? byOwner.get(`${kind}\0${rel.name}`);
  if (own) return { at: own, sub: [own.raw.direction === undefined ? 'name' : 'direction'] };
  const k = ctx.kinds.get(kind);
  return k ? { at: k, sub: ['name'] } : undefined;
}

function infrahubRules(ctx: CheckContext): Set<string> {
  const byOwner = new Map<string, Rel>();
  for (const r of ctx.relationships) if (!byOwner.has(`${r.owner}\0${r.raw.name}`)) byOwner.set(`${r.owner}\0${r.raw.name}`, r);
  const perId = new Map<string, Map<string, RelationshipSchema[]>>();
  for (const k of ctx.schema.kinds.values()) {
    if (!ctx.kinds.has(k.kind)) continue;
    for (const rel of k.relationships) {
      const perKind = perId.get(rel.identifier) ?? perId.set(rel.identifier, new Map()).get(rel.identifier)!;
      (perKind.get(k.kind) ?? perKind.set(k.kind, []).get(k.kind)!).push(rel);
    }
  }
  const failed = new Set<string>();
  const reported = new Set<string>();
  const report = (code: string, kind: string, rel: RelationshipSchema, message: string, hint: string) => {
    const d = declarationOf(ctx, byOwner, kind, rel);
    if (!d) return;
    const once = `${code}\0${d.at.file.source.file}\0${d.at.path.join('.')}`;
    if (reported.has(once)) return;
    reported.add(once);
    ctx.report('error', code, message, d.at, d.sub, { hint, subject: kind });
  };
  const dir = (r: RelationshipSchema) => r.direction;
  for (const [id, perKind] of perId) {
    for (const [kind, rels] of perKind) {
      const directions = rels.map(dir).sort();
      if (!(rels.length === 1 || (rels.length === 2 && directions[0] === 'inbound' && directions[1] === 'outbound'))) {
        failed.add(id);
        const list = rels.map((r) => `${r.name} (${r.direction})`).join(', ');
        report('schema/identifier-shared-in-kind', kind, rels[rels.length - 1]!, `${kind} holds ${rels.length} relationships with identifier "${id}": ${list}`, `a kind may hold an identifier once, or twice as one inbound and one outbound relationship: give ${rels[rels.length - 1]!.name} its own \`identifier:\``);
        continue;
      }
      if (perKind.size === 1 || rels.length === 2) continue;
      const rel = rels[0]!;
      const peerRels = perKind.get(rel.peer);
      if (peerRels?.length !== 1) continue;
      const pair = [rel.direction, peerRels[0]!.direction].sort();
      const facing = (pair[0] === 'bidirectional' && pair[1] === 'bidirectional') || (pair[0] === 'inbound' && pair[1] === 'outbound');
      if (facing) continue;
      failed.add(id);
      const [a, b] = kind <= rel.peer ? [[kind, rel], [rel.peer, peerRels[0]!]] as const : [[rel.peer, peerRels[0]!], [kind, rel]] as const;
      report('schema/identifier-direction-mismatch', b[0], b[1], `identifier "${id}": ${a[0]}.${a[1].name} is ${a[1].direction} but ${b[0]}.${b[1].name} is ${b[1].direction}`, 'the two sides face each other: both bidirectional, or one outbound and the other inbound');
    }
  }
  return failed;
}

/** svc's stricter reading of the two sides of one link, as warnings. */
function svcPairing(ctx: CheckContext, failed: Set<string>): void {
  const groups = new Map<string, Rel[]>();
  for (const r of ctx.relationships) {
    if (!ctx.kinds.has(r.raw.peer)) continue;
    const id = r.raw.identifier ?? defaultIdentifier(r.owner, r.raw.peer);
    (groups.get(id) ?? groups.set(id, []).get(id)!).push(r);
  }
  for (const [id, all] of groups) {
    if (failed.has(id)) continue;
    // A kind that redefines an inherited relationship (same name) is the same side, not a new one.
    const rels = all.filter((r) => !all.some((o) => o !== r && o.raw.name === r.raw.name && o.owner !== r.owner && ctx.schema.isA(r.owner, o.owner)));
    // Two on one kind passed Infrahub's rule (inbound and outbound): a hierarchy-like pair, not a link.
    if (rels.length > 2 && new Set(rels.map((r) => r.owner)).size > 1) {
      const list = rels.map((r) => `${r.owner}.${r.raw.name}`).join(', ');
      for (const r of rels.slice(2)) {
        ctx.report('warning', 'schema/identifier-overused', `identifier "${id}" is used by ${rels.length} relationships (${list}); svc pairs each with the side that points back at it`, r, [r.raw.identifier === undefined ? 'name' : 'identifier'], {
          hint: 'Infrahub accepts this; give this relationship its own identifier if it is a separate link',
        });
      }
      continue;
    }
    if (rels.length !== 2) continue;
    const [a, b] = rels as [Rel, Rel];
    if (a.owner !== b.owner) pair(ctx, id, a, b);
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
  if (!compatible(ctx, a.raw.peer, b.owner) || !compatible(ctx, b.raw.peer, a.owner)) {
    ctx.report('warning', 'schema/identifier-peer-mismatch', `identifier "${id}" joins ${side(a)} (peer ${a.raw.peer}) and ${side(b)} (peer ${b.raw.peer}), which do not point at each other; svc keeps them as two links`, b, sub(b, 'peer'), {
      hint: `Infrahub accepts this; if they are one link, ${side(b)} should have peer ${a.owner}, otherwise give it its own identifier`,
    });
    return;
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
    ctx.report('warning', 'schema/identifier-cardinality-mismatch', `identifier "${id}" joins ${side(a)} (${ka}, ${ca}) and ${side(b)} (${kb}, ${cb}): ${problem}`, b, sub(b, 'cardinality'), {
      hint: 'Infrahub accepts this; a parent usually holds many components and each component has one parent: Component + cardinality many on one side, Parent + cardinality one on the other',
    });
  }
}
