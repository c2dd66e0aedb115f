import type { Progress } from '../core/progress.js';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
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
import { changedArtifacts, queryArtifacts, readIfThere, writeArtifacts, type ArtifactChanges } from './artifacts.js';
import { openInventory } from './inventory.js';
import { renderArtifacts, type ArtifactFile } from './render.js';
import { requireModel } from './model.js';
import type { SchemaSet } from '../core/schema/model.js';
import type { ProductSet } from '../core/products/model.js';
import type { StatusAnswer } from '../adapters/index/gitstate.js';

export interface GenerateOptions {
  target?: string;
  generator?: string;
  /** Compute and report, write nothing. */
  dryRun?: boolean;
  /** --check: also compare the artifact files with what the inventory renders (see staleArtifacts). */
  check?: boolean;
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
  /** Artifact files re-rendered because their query results changed (relative to the catalog root). */
  artifacts: ArtifactChanges;
  /** With --check: artifact files that differ from what the inventory renders (stale, missing, orphaned). */
  staleArtifacts: ArtifactFile[];
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
  const result = await generateInventory(catalog, opts);
  if (!opts.check || catalog.render.artifactDefinitions.length === 0) return result;
  // The committed artifacts against the inventory as it is: CI's other half of "is this branch whole".
  const stale = (await renderArtifacts(catalog, { check: true })).filter((f) => f.state !== 'unchanged');
  return { ...result, staleArtifacts: stale };
}

async function generateInventory(catalog: Catalog, opts: GenerateOptions): Promise<GenerateResult> {
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
    let artifacts: ArtifactChanges = { writes: [], deletes: [] };
    let files: FilePlan;
    if (opts.dryRun) files = inv.plan(plan.changeSet);
    else {
      const defs = catalog.render.artifactDefinitions;
      const changes = plan.changeSet.upserts.length + plan.changeSet.deletes.length > 0 && defs.length > 0;
      const before = changes ? await queryArtifacts(catalog, schema, inv, defs) : [];
      files = inv.apply(plan.changeSet).plan;
      if (changes) artifacts = await changedArtifacts(before, await queryArtifacts(catalog, schema, inv, defs), async (paths) => new Map(paths.map((p) => [p, readIfThere(join(catalog.root, p))])));
      writeArtifacts(catalog.root, artifacts);
    }
    // Only a generation that was written describes the inventory: a dry run remembers nothing.
    if (!opts.dryRun) store.put(plan.settleMemo((ids) => inv.blobsOf(ids)));
    return { reports: plan.reports, changeSet: plan.changeSet, files, artifacts, staleArtifacts: [], applied: !opts.dryRun, reused: plan.reused };
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
