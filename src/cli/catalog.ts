import { configMemo } from '../adapters/config-memo.js';
import { nodeFileHost } from '../adapters/fs.js';
import { settleCatalog, settleSvcFolder } from '../adapters/svc-folder.js';
import { resolve } from 'node:path';
import { openCatalog, type Catalog } from '../core/catalog/catalog.js';
import { hasErrors } from '../core/diagnostics.js';
import { UsageError } from '../core/errors.js';
import type { CliContext } from './context.js';

/** Open the catalog the command runs in; a broken .orchestrator.yml is a configuration error (exit 2). */
export function requireCatalog(ctx: CliContext): Catalog {
  // An init killed after its commit point has not yet put .orchestrator.yml in place: finish it first.
  settleSvcFolder(resolve(ctx.cwd, ctx.catalogDir ?? '.'));
  const { catalog, diagnostics } = openCatalog(ctx.cwd, nodeFileHost, ctx.catalogDir, configMemo);
  if (!catalog || hasErrors(diagnostics)) {
    throw new UsageError('config/invalid', '.orchestrator.yml is invalid', { diagnostics, hint: 'fix the findings above; `svc schema export` writes a JSON Schema your editor can check it with' });
  }
  // Every command that opens its catalog finishes or undoes what a killed svc left half-done.
  settleCatalog(catalog.root, catalog.inventory);
  return catalog;
}
