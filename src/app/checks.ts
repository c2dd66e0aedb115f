import { SqliteQuerySource } from '../adapters/query/sqlite-source.js';
import { loadFunction } from '../adapters/generators/index.js';
import type { SqliteInventory } from '../adapters/index/inventory.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { findingsToDiagnostics } from '../core/checks/findings.js';
import { diag, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { SvcError, UsageError, ValidationError } from '../core/errors.js';
import type { ChangeSet } from '../core/inventory/model.js';
import { prepareQuery, runQuery } from '../core/query/run.js';
import { targetLabel, targetVariables } from '../core/render/artifacts.js';
import type { CheckDefinition } from '../core/render/config.js';
import type { SchemaSet } from '../core/schema/model.js';
import { catalogSchema, openInventory } from './inventory.js';
import { readText } from './query.js';
import { resolveTargets } from './artifacts.js';

/**
 * The catalog's check_definitions over an inventory: each check module is loaded into the
 * generators' sandbox once, and called once (no targets) or once per target with its query's
 * result as `data`. Its findings come back as diagnostics coded `check/<name>`. A check that throws,
 * loops or returns something else than findings stops the run with an error naming it.
 */
export async function runChecks(catalog: Catalog, schema: SchemaSet, inv: SqliteInventory): Promise<Diagnostic[]> {
  const defs = catalog.render.checkDefinitions;
  if (defs.length === 0) return [];
  const source = new SqliteQuerySource(inv.database, inv.layout);
  const out: Diagnostic[] = [];
  for (const def of defs) {
    const check = await loadFunction(def.file, { catalogRoot: catalog.root, limits: catalog.generatorLimits, exported: 'check', code: 'checks', what: `check ${def.name}` });
    const query = queryOf(catalog, schema, def);
    const targets = def.targets === undefined ? [undefined] : resolveTargets(schema, source, { name: `check ${def.name}`, targets: def.targets });
    for (const target of targets) {
      const variables = target === undefined ? {} : targetVariables(def, target, (id) => source.nodes([id]).get(id));
      const data = query === undefined ? {} : (await runQuery(schema, source, query, variables)).data;
      const value = await check.call(data);
      out.push(...findingsToDiagnostics(value, { check: def.name, file: def.file_path, ...(target !== undefined ? { target: targetLabel(target) } : {}), fileOf: (id) => inv.pathOf(id) }));
    }
  }
  return sortDiagnostics(out);
}

function queryOf(catalog: Catalog, schema: SchemaSet, def: CheckDefinition) {
  if (def.query === undefined) return undefined;
  const q = catalog.render.queries.find((x) => x.name === def.query);
  if (!q) throw new UsageError('config/unknown-query', `check ${def.name}: no query "${def.query}"`, { hint: 'declare it under queries: in .orchestrator.yml' });
  return prepareQuery(schema, readText(q.file, q.file_path), q.file_path);
}

/**
 * `svc validate`'s stage: the checks over the work tree's inventory. A check that fails to run is
 * one more error in the report (with its file and line when known), so every output format shows it.
 */
export async function validateChecks(catalog: Catalog): Promise<Diagnostic[]> {
  if (catalog.render.checkDefinitions.length === 0) return [];
  try {
    const schema = catalogSchema(catalog);
    const inv = openInventory(catalog, schema);
    try {
      return await runChecks(catalog, schema, inv);
    } finally {
      inv.close();
    }
  } catch (e) {
    if (!(e instanceof SvcError)) throw e;
    const at = e.diagnostics[0];
    return [diag('error', e.code, e.message, at ? { ...(at.file !== undefined ? { file: at.file } : {}), ...(at.line !== undefined ? { line: at.line, column: at.column ?? 1 } : {}) } : undefined, e.hint !== undefined ? { hint: e.hint } : {})];
  }
}

/**
 * A request's checks, run over the inventory as its commit would leave it (`changes` applied to the
 * index for the time of the checks, then rolled back). An error finding refuses the request: it
 * throws before anything is committed, with the check's message. Warnings are returned.
 */
export async function checkRequest(catalog: Catalog, schema: SchemaSet, inv: SqliteInventory, changes: ChangeSet): Promise<Diagnostic[]> {
  if (catalog.render.checkDefinitions.length === 0) return [];
  const findings = await inv.previewing(changes, () => runChecks(catalog, schema, inv));
  const errors = findings.filter((d) => d.severity === 'error');
  if (errors.length) {
    const first = errors[0]!;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new ValidationError(first.code, `${first.code.slice('check/'.length)} refused the request: ${first.message}${more}`, {
      hint: 'nothing was written; change the request (or the inventory) so that the check passes, then run it again',
      diagnostics: findings,
    });
  }
  return findings;
}
