import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { commitFiles } from '../adapters/txn/journal.js';
import { loadFunction } from '../adapters/generators/index.js';
import { SqliteQuerySource } from '../adapters/query/sqlite-source.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import { prepareQuery, runQuery } from '../core/query/run.js';
import type { NodeRow, QuerySource } from '../core/query/source.js';
import { artifactPath, ARTIFACTS_DIR, checkContent, extensionOf, fileText, targetLabel, targetVariables } from '../core/render/artifacts.js';
import type { ArtifactDefinition } from '../core/render/config.js';
import { Templates } from '../core/render/jinja.js';
import type { SchemaSet } from '../core/schema/model.js';
import { didYouMean } from '../core/suggest.js';
import { catalogSchema, openInventory } from './inventory.js';
import { readText } from './query.js';

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
    const source = new SqliteQuerySource(inv.db, inv.layout);
    const templates = new Templates((name) => {
      const file = resolve(catalog.root, name);
      return relative(catalog.root, file).startsWith('..') || !existsSync(file) ? undefined : readFileSync(file, 'utf8');
    });
    let matched = false;
    for (const def of defs) {
      const transform = catalog.render.jinja2Transforms.find((t) => t.name === def.transformation);
      const ts = transform ? undefined : catalog.render.typescriptTransforms.find((t) => t.name === def.transformation)!;
      const queryDef = catalog.render.queries.find((q) => q.name === (transform ?? ts)!.query)!;
      // A TypeScript transform runs in the generators' sandbox: loaded once, called per target.
      const module = ts && (await loadFunction(ts.file, { catalogRoot: catalog.root, limits: catalog.generatorLimits, exported: 'transform', code: 'transforms', what: `transform ${ts.name}` }));
      const query = prepareQuery(schema, readText(queryDef.file, queryDef.file_path), queryDef.file_path);
      extensionOf(def);
      const targets = resolveTargets(schema, source, def).filter((t) => opts.target === undefined || matchesTarget(t, opts.target));
      matched ||= targets.length > 0;
      const paths = new Set<string>();
      for (const target of targets) {
        const variables = targetVariables(def, target, (id) => source.nodes([id]).get(id));
        const { data } = await runQuery(schema, source, query, variables);
        const text = fileText(transform ? templates.render(transform.template_path, { data }) : transformText(await module!.call(data)));
        checkContent(def, target, text);
        const path = artifactPath(def, target);
        paths.add(path);
        const old = readIfThere(join(catalog.root, path));
        const state: ArtifactState = old === undefined ? 'created' : old === text ? 'unchanged' : 'updated';
        if (state !== 'unchanged') writes.push({ path, text });
        out.push({ definition: def.name, target: targetLabel(target), path, state });
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
  if (!opts.check && (writes.length || deletes.length)) {
    // Every artifact lives under artifacts/: the transaction's base, whose emptied folders it prunes.
    const under = (p: string) => p.slice(ARTIFACTS_DIR.length + 1);
    commitFiles({ root: catalog.root, base: join(catalog.root, ARTIFACTS_DIR), pruneEmpty: true }, writes.map((w) => ({ ...w, path: under(w.path) })), deletes.map(under));
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A kind's objects, or the members of the group of that name. */
export function resolveTargets(schema: SchemaSet, source: QuerySource, def: Pick<ArtifactDefinition, 'name' | 'targets'>): NodeRow[] {
  if (schema.get(def.targets)) {
    const ids = source.select(def.targets, { attributes: [], relationships: [] });
    const rows = source.nodes(ids);
    return ids.flatMap((id) => rows.get(id) ?? []);
  } else {
    const groups = schema.get('CoreGroup') ? source.select('CoreGroup', { attributes: [{ attribute: 'name', op: 'eq', value: def.targets }], relationships: [] }) : [];
    const group = groups[0] === undefined ? undefined : source.nodes([groups[0]]).get(groups[0]);
    const members = group && schema.get(group.kind)?.relationships.find((r) => r.name === 'members');
    if (!group || !members) {
      throw new UsageError('render/unknown-targets', `artifact definition "${def.name}": targets "${def.targets}" is neither a kind nor a group`, { hint: didYouMean(def.targets, schema.kinds.keys()) ?? 'name a kind (e.g. DcimDevice) or the name of a CoreGroup' });
    }
    // Members may be of any kind: by kind, then human-friendly id.
    const rows = [...source.nodes(source.peers(group.kind, members, [group.id]).get(group.id) ?? []).values()];
    const key = (r: NodeRow) => `${r.kind}\0${targetLabel(r)}`;
    return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
}

/** A TypeScript transform's value: text as it is, anything else as JSON (two-space indent). */
const transformText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

const matchesTarget = (t: NodeRow, given: string): boolean => t.id === given || t.hfid?.join(' / ') === given || t.attributes.name === given;

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Files under `dir` (relative to root) with the extension, as paths relative to root. */
function filesUnder(root: string, dir: string, ext: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return (readdirSync(abs, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}
