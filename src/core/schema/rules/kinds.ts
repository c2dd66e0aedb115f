import { INFRAHUB_INTERNAL_KINDS } from '../builtin.js';
import type { CheckContext, DeclaredKind } from '../check.js';

/** Kinds that must exist: duplicates, inheritance, extension targets, hierarchy kinds and peers. */
export function checkKinds(ctx: CheckContext): void {
  duplicates(ctx);
  inheritance(ctx);
  extensions(ctx);
  hierarchy(ctx);
  peers(ctx);
}

function where(d: DeclaredKind): string {
  const at = d.file.source.locate(d.path);
  return `${at.file}:${at.line}:${at.column}`;
}

function duplicates(ctx: CheckContext): void {
  for (const d of ctx.declarations) {
    const first = ctx.kinds.get(d.kind);
    if (!first || first === d) continue;
    const hint = first.file.builtin
      ? `${d.kind} comes with svc; add to it with \`extensions: { nodes: [{ kind: ${d.kind}, attributes: [...] }] }\``
      : `it is first declared at ${where(first)}; rename one of them or merge them`;
    ctx.report('error', 'schema/duplicate-kind', `kind ${d.kind} is declared more than once`, d, ['name'], { hint });
  }
}

function unknownKindHint(ctx: CheckContext, kind: string): string {
  if (INFRAHUB_INTERNAL_KINDS.has(kind)) return `${kind} is Infrahub-internal and has no meaning in svc`;
  return ctx.suggestKind(kind) ?? 'declare it in a schema file, or check the spelling (namespace + name, e.g. DcimDevice)';
}

function inheritance(ctx: CheckContext): void {
  for (const d of ctx.kinds.values()) {
    (d.raw.inherit_from ?? []).forEach((g, i) => {
      const target = ctx.kinds.get(g);
      if (!target) {
        ctx.report('error', 'schema/unknown-generic', `${d.kind} inherits from ${g}, which does not exist`, d, ['inherit_from', i], { hint: unknownKindHint(ctx, g) });
      } else if (!target.generic) {
        ctx.report('error', 'schema/inherit-from-node', `${d.kind} inherits from ${g}, which is a node, not a generic`, d, ['inherit_from', i], {
          hint: `only generics can be inherited from: move the shared attributes of ${g} into a generic`,
        });
      }
    });
  }
  // A cycle is reported once, at the member of the cycle that is declared first.
  const reported = new Set<string>();
  for (const d of ctx.kinds.values()) {
    const cycle = findCycle(ctx, d.kind);
    if (!cycle || reported.has(d.kind)) continue;
    for (const k of cycle) reported.add(k);
    const i = (d.raw.inherit_from ?? []).indexOf(cycle[1] ?? '');
    ctx.report('error', 'schema/inheritance-cycle', `inheritance cycle: ${cycle.join(' → ')}`, d, i >= 0 ? ['inherit_from', i] : ['inherit_from'], {
      hint: 'a kind may not inherit from itself, directly or through other generics: remove one inherit_from entry',
    });
  }
}

function findCycle(ctx: CheckContext, start: string): string[] | undefined {
  const walk = (kind: string, trail: string[]): string[] | undefined => {
    for (const g of ctx.kinds.get(kind)?.raw.inherit_from ?? []) {
      if (g === start) return [...trail, g];
      if (trail.includes(g) || !ctx.kinds.has(g)) continue;
      const found = walk(g, [...trail, g]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [start]);
}

function extensions(ctx: CheckContext): void {
  for (const e of ctx.extensions) {
    const kind = e.raw.kind;
    if (ctx.kinds.has(kind)) continue;
    if (INFRAHUB_INTERNAL_KINDS.has(kind)) {
      ctx.report('warning', 'schema/extension-ignored', `extension of ${kind} ignored: it is Infrahub-internal and has no meaning in svc`, e, ['kind'], {
        hint: kind === 'CoreProposedChange' ? "svc's proposed change is a pull request" : 'remove the extension to silence this warning',
      });
    } else {
      ctx.report('error', 'schema/unknown-extension-target', `extension of ${kind}, which does not exist`, e, ['kind'], { hint: unknownKindHint(ctx, kind) });
    }
  }
}

function hierarchy(ctx: CheckContext): void {
  for (const d of ctx.kinds.values()) {
    const member = d.generic || ctx.schema.get(d.kind)?.hierarchy !== undefined;
    const key = (['parent', 'children'] as const).find((k) => typeof d.raw[k] === 'string' && d.raw[k] !== '');
    if (!member && key) {
      ctx.report('error', 'schema/not-hierarchical', `${d.kind} names a ${key} but inherits from no hierarchical generic`, d, [key], {
        hint: 'inherit from a generic with `hierarchical: true` (e.g. a location generic), or remove parent / children',
      });
      continue;
    }
    for (const key of ['parent', 'children'] as const) {
      const v = d.raw[key];
      if (typeof v !== 'string' || v === '' || ctx.kinds.has(v)) continue;
      ctx.report('error', 'schema/unknown-kind', `${d.kind}: ${key} ${v} does not exist`, d, [key], { hint: unknownKindHint(ctx, v) });
    }
  }
}

function peers(ctx: CheckContext): void {
  for (const r of ctx.relationships) {
    if (ctx.kinds.has(r.raw.peer)) continue;
    ctx.report('error', 'schema/unknown-peer', `relationship ${r.raw.name} of ${r.owner}: peer ${r.raw.peer} does not exist`, r, ['peer'], { hint: unknownKindHint(ctx, r.raw.peer) });
  }
}
