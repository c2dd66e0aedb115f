import type { Progress } from '../core/progress.js';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { loadGenerator } from '../adapters/generators/load.js';
import { sqliteMemoStore } from '../adapters/index/memo-store.js';
import { SVC_VERSION } from '../adapters/version.js';
import { generatorFailure } from '../adapters/generators/run.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import type { FilePlan } from '../core/inventory/api.js';
import { planGeneration, type GeneratorHandle, type TargetReport } from '../core/generate/engine.js';
import type { ChangeSet } from '../core/inventory/model.js';
import { didYouMean } from '../core/suggest.js';
import { openInventory } from './inventory.js';
import { requireModel } from './model.js';
import type { SchemaSet } from '../core/schema/model.js';
import type { ProductSet } from '../core/products/model.js';
import type { StatusAnswer } from '../adapters/index/gitstate.js';

export interface GenerateOptions {
  target?: string;
  generator?: string;
  /** Compute and report, write nothing. */
  dryRun?: boolean;
  /** Run every target, even those whose remembered run still holds (and remember afresh). */
  noCache?: boolean;
  clock: () => Date;
  /** git status as asked at the command's start (see ReadOptions in ./inventory.ts). */
  status?: Promise<StatusAnswer | undefined>;
  progress?: Progress;
}

export interface GenerateResult {
  reports: TargetReport[];
  changeSet: ChangeSet;
  files: FilePlan;
  /** False for --dry-run / --check: nothing was written. */
  applied: boolean;
  /** Targets not run because their remembered run still holds (see src/core/generate/memo.ts). */
  reused: number;
}

/**
 * Load the catalog's generators (TypeScript without a build step), as handles the engine runs:
 * every one, `only` one (a usage error when it names none), or those named.
 */
export async function loadHandles(catalog: Catalog, only?: string | readonly string[]): Promise<GeneratorHandle[]> {
  let defs = catalog.generators;
  if (Array.isArray(only)) defs = defs.filter((d) => only.includes(d.name));
  else if (typeof only === 'string') {
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
    const loaded = await loadGenerator(def.file, { catalogRoot: catalog.root, limits: catalog.generatorLimits, lazy: true });
    handles.push({
      def,
      // The compiled module is named by the hash of its code (with its relative imports).
      code: basename(loaded.cacheFile),
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

/**
 * `svc generate`: run, converge, then write the changed object files (unless dry-run). Targets
 * whose remembered run still holds are skipped; the runs of a written generation are remembered.
 */
export async function generate(catalog: Catalog, opts: GenerateOptions): Promise<GenerateResult> {
  const { schema, products } = requireModel(catalog);
  const handles = await loadHandles(catalog, opts.generator);
  const inv = openInventory(catalog, schema, { status: await opts.status, ...(opts.progress ? { progress: opts.progress } : {}) });
  try {
    const store = sqliteMemoStore(inv.database);
    const model = modelDigest(schema, products);
    const keys = new Map(handles.map((g) => [g, g.code === undefined ? '' : memoKey(model, g)]));
    const memo = {
      store: opts.noCache ? { get: () => undefined, put: store.put } : store,
      key: (g: GeneratorHandle) => keys.get(g) ?? '',
    };
    const plan = await planGeneration({
      inventory: inv,
      schema,
      products,
      generators: handles,
      ...(opts.target !== undefined ? { target: opts.target } : {}),
      generatorsOnly: opts.generator !== undefined,
      clock: opts.clock,
      memo,
      ...(opts.progress ? { progress: opts.progress } : {}),
    });
    const files = opts.dryRun ? inv.plan(plan.changeSet) : inv.apply(plan.changeSet).plan;
    // Only a generation that was written describes the inventory: a dry run remembers nothing.
    if (!opts.dryRun) store.put(plan.settleMemo((ids) => inv.blobsOf(ids)));
    return { reports: plan.reports, changeSet: plan.changeSet, files, applied: !opts.dryRun, reused: plan.reused };
  } finally {
    inv.close();
  }
}

/** Bump when what a remembered run means changes within one svc version (during development). */
const MEMO_FORMAT = 1;

/** The model a run is made with: the resolved schema and the products (their lifecycle rules). */
function modelDigest(schema: SchemaSet, products: ProductSet | undefined): string {
  const mapsAsEntries = (_k: string, v: unknown) => (v instanceof Map ? [...v.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)) : v instanceof Set ? [...v].sort() : v);
  return createHash('sha256').update(schema.fingerprint).update('\0').update(JSON.stringify(products ?? null, mapsAsEntries)).digest('hex');
}

/** Everything a run depends on besides its reads: svc, the model, the generator's code and parameters. */
function memoKey(model: string, g: GeneratorHandle): string {
  return createHash('sha256')
    .update(JSON.stringify([`svc ${SVC_VERSION}`, MEMO_FORMAT, model, g.def.name, g.code, Object.entries(g.def.parameters).sort(([a], [b]) => (a < b ? -1 : 1))]))
    .digest('hex');
}
