import { loadGenerator } from '../adapters/generators/load.js';
import { generatorFailure } from '../adapters/generators/run.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import type { FilePlan } from '../core/inventory/api.js';
import { planGeneration, type GeneratorHandle, type TargetReport } from '../core/generate/engine.js';
import type { ChangeSet } from '../core/inventory/model.js';
import { didYouMean } from '../core/suggest.js';
import { openInventory } from './inventory.js';
import { requireModel } from './model.js';
import type { Inventory } from '../core/inventory/api.js';
import type { SchemaSet } from '../core/schema/model.js';
import type { ProductSet } from '../core/products/model.js';

export interface GenerateOptions {
  target?: string;
  generator?: string;
  /** Compute and report, write nothing. */
  dryRun?: boolean;
  clock: () => Date;
}

export interface GenerateResult {
  reports: TargetReport[];
  changeSet: ChangeSet;
  files: FilePlan;
  /** False for --dry-run / --check: nothing was written. */
  applied: boolean;
}

/** Load the catalog's generators (TypeScript without a build step), as handles the engine runs. */
export async function loadHandles(catalog: Catalog, only?: string): Promise<GeneratorHandle[]> {
  let defs = catalog.generators;
  if (only !== undefined) {
    defs = defs.filter((d) => d.name === only);
    if (!defs.length) {
      const hint = didYouMean(only, catalog.generators.map((g) => g.name));
      throw new UsageError('generate/unknown-generator', `no generator named "${only}" in .orchestrator.yml`, {
        hint: hint ?? (catalog.generators.length ? `generators: ${catalog.generators.map((g) => g.name).join(', ')}` : 'declare generators under generator_definitions:'),
      });
    }
  }
  const handles: GeneratorHandle[] = [];
  for (const def of defs) {
    const loaded = await loadGenerator(def.file, { catalogRoot: catalog.root });
    handles.push({
      def,
      run: async (sdk, target) => {
        try {
          await loaded.generate(sdk);
        } catch (e) {
          throw generatorFailure(e, loaded, { generator: def.name, target });
        }
      },
    });
  }
  return handles;
}

/** Plan a generation over an open inventory (the work tree's, or a request's). */
export async function generateOn(inv: Inventory, schema: SchemaSet, products: ProductSet | undefined, handles: GeneratorHandle[], opts: GenerateOptions) {
  return planGeneration({
    inventory: inv,
    schema,
    products,
    generators: handles,
    ...(opts.target !== undefined ? { target: opts.target } : {}),
    clock: opts.clock,
  });
}

/** `svc generate`: run, converge, then write the changed object files (unless dry-run). */
export async function generate(catalog: Catalog, opts: GenerateOptions): Promise<GenerateResult> {
  const { schema, products } = requireModel(catalog);
  const handles = await loadHandles(catalog, opts.generator);
  const inv = openInventory(catalog, schema);
  try {
    const plan = await generateOn(inv, schema, products, handles, opts);
    const files = inv.plan(plan.changeSet);
    if (!opts.dryRun && (files.writes.length || files.deletes.length)) inv.apply(plan.changeSet);
    return { reports: plan.reports, changeSet: plan.changeSet, files, applied: !opts.dryRun };
  } finally {
    inv.close();
  }
}
