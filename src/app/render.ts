import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import type { NodeRow } from '../core/query/source.js';
import { ARTIFACTS_DIR, extensionOf, targetLabel } from '../core/render/artifacts.js';
import { didYouMean } from '../core/suggest.js';
import { queryArtifacts, readIfThere, writeArtifacts } from './artifacts.js';
import { catalogSchema, openInventory } from './inventory.js';

export type ArtifactState = 'created' | 'updated' | 'unchanged' | 'deleted';

export interface ArtifactFile {
  definition: string;
  /** The target as a reader names it; for a deleted file, its path's stem. */
  target: string;
  /** Relative to the catalog root, forward slashes. */
  path: string;
  state: ArtifactState;
}

export interface RenderOptions {
  definition?: string;
  target?: string;
  /** Compare only: write nothing. */
  check?: boolean;
}

/**
 * `svc render`: every artifact of the definitions (one file per target), written where it differs
 * from the file in the work tree, and files of targets that are gone deleted. All are rendered
 * before anything is written: a failing target leaves every file as it was. With `check`, nothing
 * is written; the states say what a render would do.
 */
export async function renderArtifacts(catalog: Catalog, opts: RenderOptions = {}): Promise<ArtifactFile[]> {
  const defs = catalog.render.artifactDefinitions.filter((d) => opts.definition === undefined || d.name === opts.definition);
  if (opts.definition !== undefined && defs.length === 0) {
    const names = catalog.render.artifactDefinitions.map((d) => d.name);
    throw new UsageError('render/unknown-definition', `no artifact definition "${opts.definition}"`, { hint: didYouMean(opts.definition, names) ?? (names.length ? `definitions: ${names.join(', ')}` : 'declare one under artifact_definitions: in .orchestrator.yml') });
  }
  if (defs.length === 0) return [];
  const schema = catalogSchema(catalog);
  const inv = openInventory(catalog, schema);
  const out: ArtifactFile[] = [];
  const writes: { path: string; text: string }[] = [];
  const deletes: string[] = [];
  try {
    let matched = false;
    const renderings = await queryArtifacts(catalog, schema, inv, defs, (t) => opts.target === undefined || matchesTarget(t, opts.target));
    for (const def of defs) {
      const paths = new Set<string>();
      for (const r of renderings.filter((x) => x.def === def)) {
        matched = true;
        const text = await r.render();
        paths.add(r.path);
        const old = readIfThere(join(catalog.root, r.path));
        const state: ArtifactState = old === undefined ? 'created' : old === text ? 'unchanged' : 'updated';
        if (state !== 'unchanged') writes.push({ path: r.path, text });
        out.push({ definition: def.name, target: targetLabel(r.target), path: r.path, state });
      }
      // A file of a target that is gone goes too (not when rendering one target: the others are not looked at).
      if (opts.target === undefined) {
        for (const path of filesUnder(catalog.root, `${ARTIFACTS_DIR}/${def.artifact_name}`, `.${extensionOf(def)}`)) {
          if (paths.has(path)) continue;
          deletes.push(path);
          out.push({ definition: def.name, target: path.slice(`${ARTIFACTS_DIR}/${def.artifact_name}/`.length, -`.${extensionOf(def)}`.length), path, state: 'deleted' });
        }
      }
    }
    if (opts.target !== undefined && !matched) {
      throw new UsageError('render/unknown-target', `no target "${opts.target}" in ${defs.map((d) => `${d.name} (${d.targets})`).join(', ')}`, { hint: 'name a target by its human-friendly id (components joined by " / ") or its id' });
    }
  } finally {
    inv.close();
  }
  if (!opts.check) writeArtifacts(catalog.root, { writes, deletes: deletes.map((path) => ({ path })) });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const matchesTarget = (t: NodeRow, given: string): boolean => t.id === given || t.hfid?.join(' / ') === given || t.attributes.name === given;

/** Files under `dir` (relative to root) with the extension, as paths relative to root. */
function filesUnder(root: string, dir: string, ext: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return (readdirSync(abs, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}
