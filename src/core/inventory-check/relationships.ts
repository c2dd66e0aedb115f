import { diag, type Diagnostic } from '../diagnostics.js';
import { counterpart, isStoredHere } from '../inventory/ownership.js';
import type { PeerRef } from '../inventory/model.js';
import type { RelationshipSchema, SchemaSet } from '../schema/model.js';
import { label } from './attributes.js';
import type { Located } from './model.js';

/**
 * Cardinality and counts, seen from both ends. Files store each link once (the owning side); the
 * other end's peers are derived here, so "a site has at most one primary device" or "an interface
 * belongs to one device" hold whichever file wrote the link.
 */
export function checkRelationships(schema: SchemaSet, objects: readonly Located[], byId: ReadonlyMap<string, Located>): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Derived direction: peer id → relationship name on the peer → objects pointing at it.
  const derived = new Map<string, Map<string, PeerRef[]>>();
  for (const o of objects) {
    const kind = schema.get(o.object.kind);
    if (!kind) continue;
    for (const rel of kind.relationships) {
      if (!isStoredHere(schema, kind, rel)) continue;
      const v = o.object.relationships[rel.name];
      const peers = v === undefined ? [] : Array.isArray(v) ? v : [v];
      const other = counterpart(schema, kind, rel);
      for (const p of peers) {
        const peer = byId.get(p.id);
        if (peer && !schema.isA(peer.object.kind, rel.peer)) {
          out.push(diag('error', 'inventory/wrong-peer-kind', `${label(o)}: ${rel.name} takes ${rel.peer}, but ${label(peer)} is a ${peer.object.kind}`, o.at(rel.name), { subject: label(o), key: rel.name }));
        }
        if (!other || !peer) continue;
        const back = schema.get(peer.object.kind)?.relationships.find((r) => r.name === other.name);
        if (!back) {
          out.push(diag('error', 'inventory/sides-disagree', `${label(o)}: ${rel.name} links to ${label(peer)}, whose kind has no ${other.name} to link back`, o.at(rel.name), { subject: label(o), key: rel.name, hint: `the two sides of ${rel.identifier} must join kinds that both declare it` }));
          continue;
        }
        let m = derived.get(p.id);
        if (!m) derived.set(p.id, (m = new Map()));
        const list = m.get(back.name);
        if (list) list.push({ id: o.object.id, kind: o.object.kind });
        else m.set(back.name, [{ id: o.object.id, kind: o.object.kind }]);
      }
    }
  }
  for (const o of objects) {
    const kind = schema.get(o.object.kind);
    if (!kind) continue;
    for (const rel of kind.relationships) {
      const stored = isStoredHere(schema, kind, rel);
      let peers: PeerRef[];
      if (stored) {
        const v = o.object.relationships[rel.name];
        peers = v === undefined ? [] : Array.isArray(v) ? v : [v];
        if (rel.cardinality === 'one') tooManyInFile(o, rel, out);
      } else {
        peers = derived.get(o.object.id)?.get(rel.name) ?? [];
      }
      checkCounts(o, rel, stored, peers, byId, out);
    }
  }
  return out;
}

/** After a merge a `one` relationship can hold a list of references: the decoder cannot read it as one peer. */
function tooManyInFile(o: Located, rel: RelationshipSchema, out: Diagnostic[]): void {
  // The decoder read one reference there: the file holds one peer (the usual case, no text to scan).
  if (o.decoded.refs[rel.name] !== undefined) return;
  const text = o.file.text;
  const at = text.indexOf(`${JSON.stringify(rel.name)}:`);
  if (at < 0 || text.slice(at + rel.name.length + 3).trimStart()[0] !== '[') return;
  let raw: unknown;
  try {
    raw = (JSON.parse(text) as Record<string, unknown>)[rel.name];
  } catch {
    return;
  }
  if (Array.isArray(raw) && raw.some((x) => typeof x !== 'string')) {
    out.push(diag('error', 'inventory/too-many-peers', `${label(o)}: ${rel.name} is a "one" relationship but holds ${raw.length} references`, o.at(rel.name), { subject: label(o), key: rel.name, hint: 'keep a single peer (a merge may have joined two edits)' }));
  }
}

function checkCounts(o: Located, rel: RelationshipSchema, stored: boolean, peers: PeerRef[], byId: ReadonlyMap<string, Located>, out: Diagnostic[]): void {
  const tooMany = rel.cardinality === 'one' && peers.length > 1;
  const none = !rel.optional && peers.length === 0;
  const tooFew = rel.cardinality === 'many' && peers.length > 0 && peers.length < rel.min_count;
  const over = rel.max_count > 0 && peers.length > rel.max_count;
  // Most objects have no finding here: then nothing is labelled or located (that scans the file's text).
  if (!tooMany && !none && !tooFew && !over) return;
  const where = stored ? o.at(rel.name) : o.at();
  const subject = label(o);
  if (tooMany) {
    const names = peers.map((p) => { const x = byId.get(p.id); return x ? `${label(x)} (${x.file.file})` : p.id; });
    out.push(diag('error', 'inventory/cardinality', `${subject}: ${rel.name} is a "one" relationship but ${peers.length} objects link to it: ${names.join(', ')}`, where, { subject, key: rel.name, hint: 'keep one of those links' }));
    return;
  }
  // A link written in the file that did not resolve is reported as such, not again as missing.
  if (none && !(stored && o.file.text.includes(`${JSON.stringify(rel.name)}:`))) {
    out.push(diag('error', 'inventory/missing-relationship', `${subject}: mandatory relationship ${rel.name} (${rel.peer}) has no peer`, where, { subject, key: rel.name, hint: stored ? `add "${rel.name}"` : `link a ${rel.peer} to it` }));
    return;
  }
  if (tooFew) {
    out.push(diag('error', 'inventory/min-count', `${subject}: ${rel.name} has ${peers.length} peer${peers.length === 1 ? '' : 's'}, at least ${rel.min_count} required`, where, { subject, key: rel.name }));
  }
  if (over) {
    out.push(diag('error', 'inventory/max-count', `${subject}: ${rel.name} has ${peers.length} peers, at most ${rel.max_count} allowed`, where, { subject, key: rel.name }));
  }
}
