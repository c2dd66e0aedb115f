import type { Command } from 'commander';
import type { FileHost } from '../../core/host.js';
import type { ProductDetail, ValidationView } from '../../core/products/describe.js';
import { requireCatalog } from '../catalog.js';
import type { CliContext } from '../context.js';
import { formatOption } from '../options.js';
import { renderTable } from '../render/table.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

/** `svc products` (the catalog's products and their variants) and `svc product show <name>`. */
export function registerProducts(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('products')
    .description('list the products and their variants')
    .addOption(formatOption(['table', 'json'] as const))
    .action(async (opts: { format: 'table' | 'json' }) => {
      const c = ctx();
      const { products, describe } = await productModules();
      const list = describe.listProducts(products.requireProducts(requireCatalog(c), nodeFileHost).products);
      if (opts.format === 'json') c.out(jsonDocument({ products: list }));
      else if (!list.length) c.out('no products: add product files under products/ (see `svc product show --help`)\n');
      else {
        const rows = list.flatMap((p) =>
          p.variants.map((v) => [v.name, p.name, p.type, p.tag, Object.entries(v.fixedInputs).map(([k, x]) => `${k}=${String(x)}`).join(' '), p.generators.join(', ') || '-']),
        );
        c.out(renderTable(['VARIANT', 'PRODUCT', 'TYPE', 'TAG', 'FIXED INPUTS', 'GENERATOR'], rows));
      }
      setExit(0);
    });

  const product = program.command('product').description('inspect one product');
  product
    .command('show <name>')
    .description('a product (or variant): its inputs (the request form), its blocks, and what each lifecycle state requires')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (name: string, opts: { format: 'text' | 'json' }) => {
      const c = ctx();
      const { products, describe, states } = await productModules();
      const detail = describe.describeProduct(products.requireProducts(requireCatalog(c), nodeFileHost).products, name);
      c.out(opts.format === 'json' ? jsonDocument(detail) : renderDetail(detail, c, states.LIFECYCLE_STATES));
      setExit(0);
    });
}

// The product modules (and the schema loader behind them) are loaded when a product command runs.
let nodeFileHost: FileHost;
async function productModules() {
  const [products, describe, states, fs] = await Promise.all([
    import('../../core/products/catalog-products.js'),
    import('../../core/products/describe.js'),
    import('../../core/products/states.js'),
    import('../../adapters/fs.js'),
  ]);
  nodeFileHost = fs.nodeFileHost;
  return { products, describe, states };
}

function renderDetail(d: ProductDetail, c: CliContext, LIFECYCLE_STATES: readonly string[]): string {
  const b = c.color.bold;
  let out = `${b(d.name)} (${d.type}, tag ${d.tag})\n`;
  if (d.description) out += `  ${d.description}\n`;
  out += `  file: ${d.file}\n  subscription kind: ${d.subscription_kind}\n  generator: ${d.generators.join(', ') || '- (the request fills in every field)'}\n`;
  out += `  variants: ${d.variants.map((v) => v.name).join(', ')}\n`;
  out += `  workflows: ${Object.entries(d.workflows).map(([w, on]) => (on ? w : `${w} (disabled)`)).join(', ')}\n\n`;
  out += `${b('Inputs')} (the request form)\n`;
  out += indent(renderTable(['INPUT', 'SETS', 'TYPE', 'REQUIRED', 'CHOICES / DEFAULT'], d.inputs.map((i) => [
    i.key, i.target, i.type, i.required ? 'yes' : 'no',
    [i.choices ? i.choices.map(String).join(', ') : '', i.default !== undefined ? `default ${JSON.stringify(i.default)}` : ''].filter(Boolean).join('; '),
  ])));
  out += `\n${b('Blocks')}\n`;
  for (const blk of d.blocks) {
    const tags = [blk.root ? 'root' : '', blk.reference_only ? `defined in ${blk.defined_in}` : ''].filter(Boolean).join(', ');
    out += `  ${b(blk.name)}: ${blk.type} → ${blk.kind}${tags ? ` (${tags})` : ''}\n`;
    if (!blk.fields.length) continue;
    out += indent(renderTable(['FIELD', 'TYPE', 'REQUIRED FROM', 'ROLE', 'MODIFIABLE'], blk.fields.map((f) => [
      f.name, f.list ? `list of ${f.target}` : f.values ? `enum (${f.values.join(', ')})` : f.target, f.required ?? 'optional', f.role, f.modifiable ? 'yes' : 'no',
    ])), '    ');
    for (const f of blk.fields) for (const v of f.validations ?? []) out += `    ${validationLine(`${f.name}: `, v)}\n`;
  }
  const wv = Object.entries(d.workflow_validations);
  if (wv.length) {
    out += `\n${b('Workflow validations')} (SURF runs them in the workflow; svc does not)\n`;
    for (const [w, vs] of wv) for (const v of vs) out += `  ${validationLine(`${w}: `, v)}\n`;
  }
  out += `\n${b('Required by lifecycle state')}\n`;
  for (const s of LIFECYCLE_STATES) out += `  ${s}: ${d.requires[s]?.length ? d.requires[s]!.join(', ') : '(nothing)'}\n`;
  return out;
}

function validationLine(prefix: string, v: ValidationView): string {
  const rule = v.rule ? Object.entries(v.rule).map(([k, x]) => `${k} ${typeof x === 'string' ? x : String(x)}`).join(', ') : '';
  return `${prefix}validation ${v.id}${v.description ? ` (${v.description})` : ''}: ${v.checked ? `checked by svc: ${rule}` : 'not checked by svc (SURF code)'}`;
}

function indent(text: string, pad = '  '): string {
  return text.split('\n').map((l) => (l ? pad + l : l)).join('\n');
}
