import { nodeFileHost } from '../adapters/fs.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { hasErrors, type Diagnostic } from '../core/diagnostics.js';
import { DUPLICATE_KEY } from '../core/inventory/codec.js';
import { readLoadInputs } from '../core/load/inputs.js';
import { planLoad, type KindCounts } from '../core/load/plan.js';
import { catalogSchema, openInventory } from './inventory.js';

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

/**
 * `svc load`: Infrahub object files → one change set, applied in one go, or nothing at all when any
 * file has an error. `svc init` and `svc demo` bootstrap their catalogs through it too.
 */
export function loadObjects(catalog: Catalog, paths: readonly string[], cwd: string, opts: { dryRun?: boolean; overwriteGenerated?: boolean } = {}): LoadResult {
  const schema = catalogSchema(catalog);
  const read = readLoadInputs(paths, cwd, nodeFileHost, catalog.root);
  const inv = openInventory(catalog, schema);
  try {
    const plan = planLoad(read.inputs, schema, inv, { overwriteGenerated: Boolean(opts.overwriteGenerated) });
    // An object file with a key written twice would be rewritten from a guess of what it means.
    const repeated = inv.problems().filter((d) => d.code === DUPLICATE_KEY);
    const diagnostics = [...read.diagnostics, ...repeated, ...plan.diagnostics];
    if (hasErrors(diagnostics)) return { ok: false, objects: plan.objects, inputs: read.inputs.length, summary: {}, written: [], diagnostics };
    const written = opts.dryRun ? inv.plan(plan.changeSet).writes.map((w) => w.path) : inv.apply(plan.changeSet).written;
    return { ok: true, objects: plan.objects, inputs: read.inputs.length, summary: plan.summary, written, diagnostics };
  } finally {
    inv.close();
  }
}
