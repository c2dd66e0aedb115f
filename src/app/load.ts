import type { Progress } from '../core/progress.js';
import { nodeFileHost } from '../adapters/fs.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { hasErrors, strictly, type Diagnostic } from '../core/diagnostics.js';
import { DUPLICATE_KEY } from '../core/inventory/codec.js';
import { readLoadInputs } from '../core/load/inputs.js';
import { planLoad, type KindCounts, type LoadPlan } from '../core/load/plan.js';
import type { SqliteInventory } from '../adapters/index/inventory.js';
import { catalogSchema, openInventory } from './inventory.js';
import { heldByOpenRequests } from './load-held.js';

export interface LoadResult {
  ok: boolean;
  /** Objects found in the files. */
  objects: number;
  /** Object files in the input. */
  inputs: number;
  summary: Record<string, KindCounts>;
  /** Inventory files written (or that would be, with dryRun). */
  written: string[];
  diagnostics: Diagnostic[];
}

export interface LoadObjectsOptions {
  dryRun?: boolean;
  /** Load values over fields generators set, and over objects open requests hold (warnings, not errors). */
  overwriteGenerated?: boolean;
  progress?: Progress;
}

/**
 * `svc load` as the command runs it: as loadObjects, and also refusing to change objects an open
 * request has claimed (read from the shared ledger, which needs git, hence async). The ledger is
 * asked only about existing objects the load changes, and the plan made again only when it holds one.
 */
export async function loadObjectsChecked(catalog: Catalog, paths: readonly string[], cwd: string, opts: LoadObjectsOptions = {}): Promise<LoadResult> {
  const schema = catalogSchema(catalog);
  const read = readLoadInputs(paths, cwd, nodeFileHost, catalog.root);
  const inv = openInventory(catalog, schema, opts.progress ? { progress: opts.progress } : {});
  try {
    const planOpts = { overwriteGenerated: Boolean(opts.overwriteGenerated), ...(opts.progress ? { progress: opts.progress } : {}) };
    let plan = planLoad(read.inputs, schema, inv, planOpts);
    const changed = plan.changeSet.upserts.flatMap((o) => inv.get(o.id) ?? []);
    if (changed.length) {
      const held = await heldByOpenRequests(catalog, changed);
      if (held.size) plan = planLoad(read.inputs, schema, inv, { ...planOpts, held });
    }
    return finish(inv, read, plan, Boolean(opts.dryRun), catalog.strict);
  } finally {
    inv.close();
  }
}

/**
 * `svc load`: Infrahub object files → one change set, applied in one go, or nothing at all when any
 * file has an error. `svc init` and `svc demo` bootstrap their catalogs through it too.
 */
export function loadObjects(catalog: Catalog, paths: readonly string[], cwd: string, opts: LoadObjectsOptions = {}): LoadResult {
  const schema = catalogSchema(catalog);
  const read = readLoadInputs(paths, cwd, nodeFileHost, catalog.root);
  const inv = openInventory(catalog, schema, opts.progress ? { progress: opts.progress } : {});
  try {
    return finish(inv, read, planLoad(read.inputs, schema, inv, { overwriteGenerated: Boolean(opts.overwriteGenerated), ...(opts.progress ? { progress: opts.progress } : {}) }), Boolean(opts.dryRun), catalog.strict);
  } finally {
    inv.close();
  }
}

function finish(inv: SqliteInventory, read: ReturnType<typeof readLoadInputs>, plan: LoadPlan, dryRun: boolean, strict: boolean | undefined): LoadResult {
  // An object file with a key written twice would be rewritten from a guess of what it means.
  const repeated = inv.problems().filter((d) => d.code === DUPLICATE_KEY);
  // `strict: true` in the config: a warning (a value svc normalised) stops the load like an error.
  const diagnostics = strictly([...read.diagnostics, ...repeated, ...plan.diagnostics], strict);
  if (hasErrors(diagnostics)) return { ok: false, objects: plan.objects, inputs: read.inputs.length, summary: {}, written: [], diagnostics };
  const written = dryRun ? inv.plan(plan.changeSet).writes.map((w) => w.path) : inv.apply(plan.changeSet).written;
  return { ok: true, objects: plan.objects, inputs: read.inputs.length, summary: plan.summary, written, diagnostics };
}
