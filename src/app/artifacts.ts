import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadFunction } from '../adapters/generators/index.js';
import { commitFiles } from '../adapters/txn/journal.js';
import type Database from 'better-sqlite3';
import { SqliteQuerySource } from '../adapters/query/sqlite-source.js';
import type { Layout } from '../adapters/index/layout.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import { prepareQuery, runQuery } from '../core/query/run.js';
import type { NodeRow, QuerySource } from '../core/query/source.js';
import { artifactPath, ARTIFACTS_DIR, checkContent, extensionOf, fileText, targetLabel, targetVariables } from '../core/render/artifacts.js';
import type { ArtifactDefinition } from '../core/render/config.js';
import { Templates } from '../core/render/jinja.js';
import type { SchemaSet } from '../core/schema/model.js';
import { didYouMean } from '../core/suggest.js';
import { readText } from './query.js';

/**
 * One artifact of one target, its query already run: `hash` names what the rendering reads (the
 * definition, the query's variables and result), `render` makes the file's text.
 */
export interface Rendering {
  def: ArtifactDefinition;
  target: NodeRow;
  /** Relative to the catalog root, forward slashes. */
  path: string;
  hash: string;
  render(): Promise<string>;
}

/**
 * Run the query of every artifact of `defs` (one per target) against an index; nothing is rendered
 * yet. `only` keeps the targets it accepts.
 */
export async function queryArtifacts(catalog: Catalog, schema: SchemaSet, index: { db: Database.Database; layout: Layout }, defs: readonly ArtifactDefinition[], only?: (t: NodeRow) => boolean): Promise<Rendering[]> {
  const source = new SqliteQuerySource(index.db, index.layout);
  const templates = new Templates((name) => {
    const file = resolve(catalog.root, name);
    return relative(catalog.root, file).startsWith('..') || !existsSync(file) ? undefined : readFileSync(file, 'utf8');
  });
  const out: Rendering[] = [];
  for (const def of defs) {
    const transform = catalog.render.jinja2Transforms.find((t) => t.name === def.transformation);
    const ts = transform ? undefined : catalog.render.typescriptTransforms.find((t) => t.name === def.transformation)!;
    const queryDef = catalog.render.queries.find((q) => q.name === (transform ?? ts)!.query)!;
    // A TypeScript transform runs in the generators' sandbox: loaded once (on first use), called per target.
    let module: Promise<{ call(data: unknown): Promise<unknown> }> | undefined;
    const tsModule = () => (module ??= loadFunction(ts!.file, { catalogRoot: catalog.root, limits: catalog.generatorLimits, exported: 'transform', code: 'transforms', what: `transform ${ts!.name}` }));
    const query = prepareQuery(schema, readText(queryDef.file, queryDef.file_path), queryDef.file_path);
    extensionOf(def);
    for (const target of resolveTargets(schema, source, def)) {
      if (only && !only(target)) continue;
      const variables = targetVariables(def, target, (id) => source.nodes([id]).get(id));
      const { data } = await runQuery(schema, source, query, variables);
      // The template is the catalog's, the same before and after a change: what differs is the data.
      const hash = createHash('sha256').update(JSON.stringify([def.name, def.transformation, variables, data])).digest('hex');
      out.push({
        def,
        target,
        path: artifactPath(def, target),
        hash,
        render: async () => {
          const text = fileText(transform ? templates.render(transform.template_path, { data }) : transformText(await (await tsModule()).call(data)));
          checkContent(def, target, text);
          return text;
        },
      });
    }
  }
  return out;
}

/** What a change does to the artifacts: files to write (with their text) and files to delete. */
export interface ArtifactChanges {
  writes: { path: string; text: string; definition: string; target: string }[];
  deletes: { path: string; definition: string }[];
}

/**
 * The artifacts a change re-renders: those whose query result differs between `before` and
 * `after` (a new target, a target's read data changed), written when their text differs from the
 * file (`read`); the files of targets that are gone, deleted when they exist. Artifacts whose
 * query result did not change are not rendered at all, so a change carries its own effect and
 * nothing else, even when other committed artifacts are stale.
 */
export async function changedArtifacts(before: readonly Rendering[], after: readonly Rendering[], read: (paths: string[]) => Promise<Map<string, string | undefined>>): Promise<ArtifactChanges> {
  const was = new Map(before.map((r) => [r.path, r]));
  const now = new Map(after.map((r) => [r.path, r]));
  const touched = after.filter((r) => was.get(r.path)?.hash !== r.hash);
  const gone = before.filter((r) => !now.has(r.path));
  if (!touched.length && !gone.length) return { writes: [], deletes: [] };
  const old = await read([...touched, ...gone].map((r) => r.path));
  const writes: ArtifactChanges['writes'] = [];
  for (const r of touched) {
    const text = await r.render();
    if (old.get(r.path) !== text) writes.push({ path: r.path, text, definition: r.def.name, target: targetLabel(r.target) });
  }
  const deletes = gone.filter((r) => old.get(r.path) !== undefined).map((r) => ({ path: r.path, definition: r.def.name }));
  return { writes: writes.sort(byPath), deletes: deletes.sort(byPath) };
}

/** Write and delete artifact files in the work tree, in one transaction (see ../adapters/txn/journal.ts). */
export function writeArtifacts(root: string, changes: { writes: readonly { path: string; text: string }[]; deletes: readonly { path: string }[] }): void {
  if (!changes.writes.length && !changes.deletes.length) return;
  // Every artifact lives under artifacts/: the transaction's base, whose emptied folders it prunes.
  const under = (p: string) => p.slice(ARTIFACTS_DIR.length + 1);
  commitFiles({ root, base: join(root, ARTIFACTS_DIR), pruneEmpty: true }, changes.writes.map((w) => ({ path: under(w.path), text: w.text })), changes.deletes.map((d) => under(d.path)));
}

export function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

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
