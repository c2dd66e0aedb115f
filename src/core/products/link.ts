import { diag, type Diagnostic } from '../diagnostics.js';
import type { SchemaSet } from '../schema/model.js';
import { didYouMean } from '../suggest.js';
import type { BlockDef, FieldDef, ProductDef, ProductSet } from './model.js';
import { upperCamel } from './parse.js';
import { variantsOf } from './variants.js';

/** A generator definition as products see it: its name, and what it `targets` (a product name or type, or a schema kind). */
export interface GeneratorRef {
  name: string;
  targets: string;
}

/**
 * Everything that needs all product files at once: block types shared between files, field types
 * that name blocks or schema kinds, one root block per product, no cycles, known generators, unique
 * names, which generators implement each product. `schema` is undefined when the schema itself is
 * broken: then schema-kind names go unchecked rather than each becoming a follow-on error.
 *
 * Completes the parsed products in place (field targets, root block first, implementedBy) and
 * returns them as a set.
 */
export function linkProducts(
  parsed: readonly ProductDef[],
  schema: SchemaSet | undefined,
  generators: readonly GeneratorRef[] | undefined,
): { set: ProductSet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const err = (code: string, message: string, where: FieldDef['source'], subject: string, hint?: string) =>
    diagnostics.push(diag('error', `product/${code}`, message, where, { subject, ...(hint ? { hint } : {}) }));

  const products = new Map<string, ProductDef>();
  const types = new Map<string, ProductDef>();
  for (const p of parsed) {
    const other = products.get(p.name);
    if (other) err('duplicate-product', `product "${p.name}" is also defined in ${other.file}`, p.source, p.name, 'product names are unique across the catalog');
    else products.set(p.name, p);
    const sameType = types.get(p.type);
    if (sameType && sameType !== other) err('duplicate-product-type', `product type "${p.type}" is also used by "${sameType.name}" (${sameType.file})`, p.source, p.name, 'each product needs its own type: it names its subscription kind');
    else types.set(p.type, p);
  }

  const blocks = new Map<string, BlockDef>();
  for (const p of parsed) {
    for (const b of p.blocks) {
      if (b.referenceOnly) continue;
      const other = blocks.get(b.type);
      if (other) {
        err('duplicate-block-type', `block type "${b.type}" is also defined in ${other.definedIn}`, b.source, p.name, `define it once; elsewhere list it without fields (name and type only) to reuse it`);
      } else blocks.set(b.type, b);
    }
  }
  const kindNames = schema ? [...schema.kinds.keys()] : [];
  for (const p of parsed) {
    for (const b of p.blocks) {
      if (b.referenceOnly && !blocks.has(b.type)) {
        err('unknown-block', `block "${b.name}" refers to block type "${b.type}", which no product file defines`, b.source, p.name, didYouMean(b.type, blocks.keys()) ?? 'define it (with fields) in a product file');
      }
      for (const f of b.fields) {
        if (f.target.kind !== 'block') continue;
        // A block type written in another spelling (`node`) is read as UpperCamelCase, as its block's type was.
        if (!blocks.has(f.target.block) && blocks.has(upperCamel(f.target.block))) f.target = { kind: 'block', block: upperCamel(f.target.block) };
        const name = f.target.block;
        if (blocks.has(name)) continue;
        if (!schema || schema.get(name)) {
          f.target = { kind: 'schema', schemaKind: name };
          continue;
        }
        const candidates = ['str', 'int', 'bool', 'enum', 'list', ...blocks.keys(), ...kindNames];
        err('unknown-type', `field "${f.name}": type "${name}" is neither str, int, bool, enum, list, a block type nor a schema kind`, f.source, p.name, didYouMean(name, candidates) ?? 'use a scalar type, a block type defined in products/ or a kind from the schemas');
      }
    }
  }

  const refsOf = (b: BlockDef): string[] => {
    const def = blocks.get(b.type) ?? b;
    return def.fields.flatMap((f) => (f.target.kind === 'block' && blocks.has(f.target.block) ? [f.target.block] : []));
  };
  for (const p of parsed) {
    // A reference to an unknown block was reported above; counting it as a root would only repeat that.
    const listed = p.blocks.filter((b) => !b.referenceOnly || blocks.has(b.type));
    const referenced = new Set(listed.flatMap(refsOf));
    const roots = listed.filter((b) => !referenced.has(b.type));
    if (roots.length === 1) {
      p.rootBlock = roots[0]!.name;
      p.blocks = [roots[0]!, ...p.blocks.filter((b) => b !== roots[0])];
    } else if (roots.length > 1) {
      err('two-root-blocks', `product "${p.name}" has ${roots.length} root blocks: ${roots.map((b) => b.name).join(', ')}`, roots[1]!.source, p.name,
        'exactly one block may be unreferenced: the root. Reference the others from a field of the root (or of a block under it)');
    } else if (listed.length) {
      err('no-root-block', `product "${p.name}" has no root block: every block it lists is referenced by another`, p.source, p.name, 'the blocks reference each other in a cycle; one must be the unreferenced root');
    }
  }

  diagnostics.push(...findCycles(blocks));

  if (generators) {
    const names = generators.map((g) => g.name);
    for (const p of parsed) {
      const named = p.generator === undefined ? undefined : generators.find((g) => g.name === p.generator);
      if (p.generator !== undefined && !named) {
        err('unknown-generator', `product "${p.name}": generator "${p.generator}" is not in generator_definitions of .orchestrator.yml`, p.source, p.name,
          didYouMean(p.generator, names) ?? (names.length ? `known generators: ${[...names].sort().join(', ')}` : 'add it to generator_definitions in .orchestrator.yml'));
      } else if (named && named.targets !== p.name && named.targets !== p.type) {
        // It would run for the objects it targets, never for this product's subscriptions.
        err('generator-targets-other', `product "${p.name}": generator "${p.generator}" targets "${named.targets}", not this product`, p.source, p.name,
          `set \`targets: ${p.name}\` for ${named.name} in .orchestrator.yml, or drop \`generator:\` here`);
      }
      const by = generators.filter((g) => g.targets === p.name || g.targets === p.type).map((g) => g.name);
      p.implementedBy = [...new Set(by)].sort();
    }
  }

  // Nothing would ever fill such a field, so the product's subscriptions could never become active.
  for (const p of parsed) {
    if (p.implementedBy.length) continue;
    for (const b of p.blocks) {
      if (b.referenceOnly) continue;
      for (const f of b.fields) {
        if (f.role !== 'output' || f.required !== 'active') continue;
        diagnostics.push(diag('warning', 'product/unfilled-output', `product "${p.name}" has no generator, so nothing fills output "${f.name}" (required at active): its subscriptions stay in provisioning until someone edits it in`, f.source, {
          subject: p.name,
          key: f.name,
          hint: 'give the field `role: input` so that the request fills it in, or add a generator that targets the product in .orchestrator.yml',
        }));
      }
    }
  }

  const variantNames = new Map<string, string>();
  for (const p of products.values()) {
    for (const v of variantsOf(p)) {
      const owner = variantNames.get(v.name);
      if (owner !== undefined && owner !== p.name) err('duplicate-variant', `variant "${v.name}" of "${p.name}" has the same name as one of "${owner}"`, p.source, p.name, 'rename one product');
      variantNames.set(v.name, p.name);
    }
  }

  const sortedProducts = new Map([...products.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const sortedBlocks = new Map([...blocks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { set: { products: sortedProducts, blocks: sortedBlocks }, diagnostics };
}

/** Each cycle among block types once, reported at the field that closes it. */
function findCycles(blocks: ReadonlyMap<string, BlockDef>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (type: string) => {
    state.set(type, 'open');
    stack.push(type);
    const b = blocks.get(type)!;
    for (const f of b.fields) {
      if (f.target.kind !== 'block' || !blocks.has(f.target.block)) continue;
      const next = f.target.block;
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('>');
        if (!reported.has(key)) {
          reported.add(key);
          out.push(diag('error', 'product/block-cycle', `block cycle: ${[...cycle, next].join(' → ')}`, f.source, {
            subject: b.type,
            key: f.name,
            hint: 'blocks form a tree (a block may be shared, never contain itself): drop or redirect one of these references',
          }));
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(type, 'done');
  };
  for (const type of [...blocks.keys()].sort()) if (!state.has(type)) visit(type);
  return out;
}
