import type { CheckContext, Declared, DeclaredKind, DeclaredMember } from '../check.js';
import type { RawAttribute, RawRelationship } from '../raw.js';

type Member = { attr: DeclaredMember<RawAttribute> } | { rel: DeclaredMember<RawRelationship> };

/** Attributes and relationships of one kind: names, inheritance conflicts, Parent, counts. */
export function checkMembers(ctx: CheckContext): void {
  const byOwner = new Map<string, Member[]>();
  const add = (owner: string, m: Member) => (byOwner.get(owner) ?? byOwner.set(owner, []).get(owner)!).push(m);
  for (const a of ctx.attributes) add(a.owner, { attr: a });
  for (const r of ctx.relationships) add(r.owner, { rel: r });
  duplicateNames(ctx, byOwner);
  for (const d of ctx.kinds.values()) inherited(ctx, d, byOwner);
  for (const r of ctx.relationships) counts(ctx, r);
  parentComponentCycle(ctx);
}

const decl = (m: Member): DeclaredMember<{ name: string }> => ('attr' in m ? m.attr : m.rel);
function at(d: Declared<unknown>): string {
  const l = d.file.source.locate(d.path);
  return `${l.file}:${l.line}:${l.column}`;
}

function duplicateNames(ctx: CheckContext, byOwner: Map<string, Member[]>): void {
  for (const [owner, members] of byOwner) {
    const seen = new Map<string, Member>();
    for (const m of members) {
      const d = decl(m);
      const first = seen.get(d.raw.name);
      if (!first) {
        seen.set(d.raw.name, m);
        continue;
      }
      const what = (x: Member) => ('attr' in x ? 'attribute' : 'relationship');
      ctx.report('error', 'schema/duplicate-name', `${owner} has two members named "${d.raw.name}" (${what(first)} and ${what(m)})`, d, ['name'], {
        hint: `the first is at ${at(decl(first))}${d.extension ? ' (an extension may only add new names)' : ''}; rename or remove one`,
      });
    }
  }
}

/** Every generic a kind inherits from, nearest first, without cycles. */
function ancestors(ctx: CheckContext, kind: string): string[] {
  const out: string[] = [];
  const walk = (k: string) => {
    for (const g of ctx.kinds.get(k)?.raw.inherit_from ?? []) {
      if (out.includes(g) || g === kind || !ctx.kinds.get(g)?.generic) continue;
      out.push(g);
      walk(g);
    }
  };
  walk(kind);
  return out;
}

function inherited(ctx: CheckContext, d: DeclaredKind, byOwner: Map<string, Member[]>): void {
  const own = new Map((byOwner.get(d.kind) ?? []).map((m) => [decl(m).raw.name, m] as const));
  const from = new Map<string, { m: Member; generic: string }>();
  const reported = new Set<string>();
  const parents: { m: DeclaredMember<RawRelationship>; generic: string | undefined }[] = [];
  for (const m of own.values()) if ('rel' in m && m.rel.raw.kind === 'Parent') parents.push({ m: m.rel, generic: undefined });
  for (const g of ancestors(ctx, d.kind)) {
    for (const m of byOwner.get(g) ?? []) {
      const name = decl(m).raw.name;
      const mine = own.get(name);
      const other = mine ? { m: mine, generic: d.kind } : from.get(name);
      if (mine && allowOverride(m) === 'none' && !reported.has(name)) {
        // Infrahub's default is `any`: only an explicit `none` forbids redefining the member.
        reported.add(name);
        ctx.report('error', 'schema/override-not-allowed', `${d.kind} redefines "${name}", which ${g} declares with allow_override: none`, decl(mine), ['name'], {
          hint: `remove ${d.kind}'s own "${name}" and use the inherited one as it is (see ${at(decl(m))}), or allow overrides there`,
          subject: d.kind,
        });
        continue;
      }
      if (!other) {
        from.set(name, { m, generic: g });
        if ('rel' in m && m.rel.raw.kind === 'Parent') parents.push({ m: m.rel, generic: g });
        continue;
      }
      const clash = conflict(other.m, m);
      if (clash === undefined || reported.has(name)) continue;
      reported.add(name);
      const target = mine ? decl(mine) : d;
      const sub = mine ? ['name'] : inheritIndex(d, g);
      ctx.report('error', 'schema/inherited-conflict', `${d.kind}: "${name}" ${clash} in ${other.generic === d.kind ? d.kind : other.generic} and ${g}`, target, sub, {
        hint: `an inherited attribute or relationship may only be redefined with the same kind and peer; see ${at(decl(m))}`,
        subject: d.kind,
      });
    }
  }
  // Several Parent relationships all coming from one generic are that generic's problem, reported there.
  const sources = new Set(parents.map((p) => p.generic ?? d.kind));
  if (parents.length > 1 && (sources.has(d.kind) || sources.size > 1)) {
    const second = parents.find((p) => p.generic === undefined && p !== parents[0]) ?? parents[1]!;
    const target: Declared<unknown> = second.generic === undefined ? second.m : d;
    ctx.report('error', 'schema/multiple-parents', `${d.kind} has more than one relationship of kind Parent (${parents.map((p) => p.m.raw.name).join(', ')})`, target, second.generic === undefined ? ['kind'] : inheritIndex(d, second.generic), {
      hint: 'an object has at most one parent: make the others kind Attribute or Generic',
      subject: d.kind,
    });
  }
}

const allowOverride = (m: Member): unknown => ('attr' in m ? m.attr.raw.allow_override : (m.rel.raw as { allow_override?: unknown }).allow_override);

function inheritIndex(d: DeclaredKind, g: string): (string | number)[] {
  const i = (d.raw.inherit_from ?? []).indexOf(g);
  return i >= 0 ? ['inherit_from', i] : ['name'];
}

function conflict(a: Member, b: Member): string | undefined {
  if ('attr' in a && 'attr' in b) return (a.attr.raw.kind ?? '') === (b.attr.raw.kind ?? '') ? undefined : `has kind ${a.attr.raw.kind} and ${b.attr.raw.kind}`;
  if ('rel' in a && 'rel' in b) return a.rel.raw.peer === b.rel.raw.peer ? undefined : `has peer ${a.rel.raw.peer} and ${b.rel.raw.peer}`;
  return 'is an attribute and a relationship';
}

function counts(ctx: CheckContext, r: DeclaredMember<RawRelationship>): void {
  const { cardinality = 'many', min_count, max_count, optional, kind } = r.raw;
  const name = `relationship ${r.raw.name} of ${r.owner}`;
  if (kind === 'Parent' && cardinality !== 'one') {
    ctx.report('error', 'schema/parent-cardinality', `${name} is of kind Parent but its cardinality is ${cardinality}`, r, r.raw.cardinality === undefined ? ['kind'] : ['cardinality'], {
      hint: 'a Parent relationship points at one parent: add `cardinality: one` (the default is many)',
    });
  }
  if (kind === 'Parent' && cardinality === 'one' && optional !== false) {
    ctx.report('error', 'schema/parent-optional', `${name} is of kind Parent but optional`, r, r.raw.optional === undefined ? ['kind'] : ['optional'], {
      hint: 'a component cannot exist without its parent: add `optional: false` (relationships are optional by default)',
    });
  }
  const bad = (sub: string, message: string, hint: string) => ctx.report('error', 'schema/count-contradiction', `${name}: ${message}`, r, [sub], { hint });
  if (cardinality === 'one' && max_count !== undefined && max_count > 1) bad('max_count', `max_count ${max_count} contradicts cardinality one`, 'use cardinality: many, or remove max_count');
  else if (cardinality === 'one' && min_count !== undefined && min_count > 1) bad('min_count', `min_count ${min_count} contradicts cardinality one`, 'use cardinality: many, or set min_count to 0 or 1');
  else if (min_count !== undefined && max_count !== undefined && max_count > 0 && min_count > max_count) bad('min_count', `min_count ${min_count} is larger than max_count ${max_count}`, 'min_count must not exceed max_count (0 means no maximum)');
  else if (optional === true && min_count !== undefined && min_count > 0) bad('min_count', `min_count ${min_count} contradicts optional: true`, 'a relationship with a minimum is mandatory: set optional: false, or remove min_count');
  for (const k of ['min_count', 'max_count'] as const) {
    const v = r.raw[k];
    if (v !== undefined && v < 0) bad(k, `${k} ${v} is negative`, 'counts are 0 or more');
  }
}

/**
 * A kind may not be, through Parent and Component relationships, its own parent: Infrahub deletes
 * components with their parent (Component means cascade delete) and refuses such a loop.
 */
function parentComponentCycle(ctx: CheckContext): void {
  const edges = new Map<string, { to: string; rel: DeclaredMember<RawRelationship> }[]>();
  const add = (from: string, to: string, rel: DeclaredMember<RawRelationship>) => (edges.get(from) ?? edges.set(from, []).get(from)!).push({ to, rel });
  for (const r of ctx.relationships) {
    if (!ctx.kinds.has(r.raw.peer)) continue;
    const owners = [r.owner, ...ctx.schema.concreteKinds(r.owner).filter((k) => k !== r.owner)];
    for (const o of owners) {
      if (r.raw.kind === 'Parent') add(r.raw.peer, o, r);
      else if (r.raw.kind === 'Component') add(o, r.raw.peer, r);
    }
  }
  const reported = new Set<string>();
  for (const start of [...edges.keys()].sort()) {
    const path = findLoop(edges, start);
    if (!path) continue;
    const key = [...new Set(path.map((p) => p.to))].sort().join(',');
    if (reported.has(key)) continue;
    reported.add(key);
    const last = path[path.length - 1]!.rel;
    ctx.report('error', 'schema/parent-component-cycle', `${[start, ...path.map((p) => p.to)].join(' → ')}: a kind would be its own parent through Parent and Component relationships`, last, ['kind'], {
      hint: 'Component means "deleted with its parent": make one of these relationships kind Generic or Attribute',
    });
  }
}

function findLoop(edges: Map<string, { to: string; rel: DeclaredMember<RawRelationship> }[]>, start: string): { to: string; rel: DeclaredMember<RawRelationship> }[] | undefined {
  const seen = new Set<string>();
  const walk = (at: string, path: { to: string; rel: DeclaredMember<RawRelationship> }[]): typeof path | undefined => {
    for (const e of edges.get(at) ?? []) {
      if (e.to === start) return [...path, e];
      if (seen.has(e.to)) continue;
      seen.add(e.to);
      const found = walk(e.to, [...path, e]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, []);
}
