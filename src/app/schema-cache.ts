import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFileHost, writeFileAtomic } from '../adapters/fs.js';
import { SVC_VERSION } from '../adapters/version.js';
import { ensureSvcFolder } from '../adapters/svc-folder.js';
import type { Catalog } from '../core/catalog/catalog.js';
import type { FileHost } from '../core/host.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { schemaSetOf } from '../core/schema/resolve.js';
import { expandPaths } from '../core/schema/load.js';
import type { KindSchema, SchemaSet } from '../core/schema/model.js';
import type { BlockDef, ProductDef, ProductSet } from '../core/products/model.js';

/**
 * The catalog's resolved schema, remembered in .svc/schema-cache.json so that a quick command
 * (`svc list`, `svc show`) does not parse the YAML and compile the meta-schema each time.
 *
 * Never stale: the cache is keyed by svc's version, a digest of the code that makes what it holds
 * (modelSource: the built-in kinds, schema resolution, products), the generators
 * (names and targets: they decide which products a generator implements), and the path and
 * SHA-256 of every schema file the catalog's `schemas:` expand to (in order); any difference, an
 * unreadable or malformed cache, or a schema with errors means a full load (and, when the schema
 * is valid, a new cache). Only a valid schema is cached, so every diagnostic still comes from a
 * full load.
 */
/** The cache file's own layout; a change to the code that fills it is caught by modelSource. */
const CACHE_FORMAT = 3;

interface CacheFile {
  format: number;
  key: string;
  fingerprint: string;
  kinds: KindSchema[];
  /** Per kind, every generic it inherits from (directly or not). */
  ancestors: Record<string, string[]>;
  /** The linked products (their lifecycle rules), when they loaded without a single finding. */
  products?: { products: ProductDef[]; blocks: BlockDef[] };
}

type Loaded = { schema: SchemaSet | undefined; products?: ProductSet | undefined; productsClean?: boolean; diagnostics: Diagnostic[] };

export function cachePath(root: string): string {
  return join(root, '.svc', 'schema-cache.json');
}

export function cachedCatalogSchema(catalog: Catalog, load: () => Loaded, host: FileHost = nodeFileHost): Loaded {
  const key = cacheKey(catalog, host);
  const path = cachePath(catalog.root);
  if (key !== undefined) {
    const hit = readCache(path, key);
    if (hit) return { ...hit, productsClean: hit.products !== undefined, diagnostics: [] };
  }
  const fresh = load();
  // Products are kept only when nothing at all was said about them: a warning must be heard again.
  if (fresh.schema && key !== undefined) writeCache(path, key, fresh.schema, fresh.productsClean ? fresh.products : undefined);
  return fresh;
}

/** Undefined when a key cannot be made (then nothing is cached). */
export function cacheKey(catalog: Catalog, host: FileHost): string | undefined {
  const code = modelSource();
  if (code === undefined) return undefined;
  const h = createHash('sha256').update(`svc ${SVC_VERSION}\0format ${CACHE_FORMAT}\0code ${code}\0`);
  const { files, diagnostics } = expandPaths(catalog.schemas, host, catalog.root);
  if (diagnostics.length) return undefined;
  // The products compile to kinds of the same model: their files are part of the key too.
  const products = expandPaths(catalog.products.filter((p) => host.exists(p)), host, catalog.root).files;
  h.update(`generators ${JSON.stringify(catalog.generators.map((g) => [g.name, g.targets]))}\0`);
  for (const f of [...files, '\0products', ...products]) h.update(f === '\0products' ? f : `${f}\0${createHash('sha256').update(host.readText(f)).digest('hex')}\0`);
  return h.digest('hex');
}

/** The folders of svc's code that make what is cached, or check it: the built-in kinds, schema resolution and rules, products, YAML reading. */
const MODEL_CODE = ['schema', 'products', 'yaml'];
let modelCode: string | undefined | null = null;

/**
 * A digest of that code (compiled .js in a build, TypeScript under the test runner), once per
 * process: any change to it, even within one version, makes earlier caches miss. About 35 files.
 */
function modelSource(): string | undefined {
  if (modelCode !== null) return modelCode;
  const core = fileURLToPath(new URL('../core/', import.meta.url));
  const h = createHash('sha256');
  let count = 0;
  try {
    for (const dir of MODEL_CODE) {
      // With subfolders (schema/rules): a new rule may turn a cached schema invalid.
      for (const name of readdirSync(join(core, dir), { recursive: true, encoding: 'utf8' }).sort()) {
        if (!/\.(js|ts)$/.test(name) || name.endsWith('.d.ts')) continue;
        h.update(`${dir}/${name}\0`).update(readFileSync(join(core, dir, name))).update('\0');
        count++;
      }
    }
  } catch {
    count = 0;
  }
  modelCode = count ? h.digest('hex') : undefined;
  return modelCode;
}

function readCache(path: string, key: string): { schema: SchemaSet; products?: ProductSet } | undefined {
  let data: CacheFile;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
  } catch {
    return undefined;
  }
  if (!isCacheFile(data) || data.format !== CACHE_FORMAT || data.key !== key) return undefined;
  const schema = schemaSetFromCache(data);
  if (!data.products) return { schema };
  // Both maps were sorted when linked; the lists keep that order.
  const products: ProductSet = { products: new Map(data.products.products.map((p) => [p.name, p])), blocks: new Map(data.products.blocks.map((b) => [b.type, b])) };
  return { schema, products };
}

function isCacheFile(v: unknown): v is CacheFile {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Partial<CacheFile>;
  return typeof c.key === 'string' && typeof c.fingerprint === 'string' && Array.isArray(c.kinds) && typeof c.ancestors === 'object' && c.ancestors !== null
    && c.kinds.every((k) => typeof k === 'object' && k !== null && typeof k.kind === 'string' && Array.isArray(k.attributes) && Array.isArray(k.relationships) && Array.isArray(k.used_by))
    && Object.values(c.ancestors).every((a) => Array.isArray(a))
    && (c.products === undefined || (typeof c.products === 'object' && c.products !== null && Array.isArray(c.products.products) && Array.isArray(c.products.blocks)));
}

function writeCache(path: string, key: string, schema: SchemaSet, products: ProductSet | undefined): void {
  const kinds = [...schema.kinds.values()];
  const ancestors: Record<string, string[]> = {};
  for (const k of kinds) ancestors[k.kind] = kinds.filter((g) => g.kind !== k.kind && schema.isA(k.kind, g.kind)).map((g) => g.kind);
  const data: CacheFile = { format: CACHE_FORMAT, key, fingerprint: schema.fingerprint, kinds, ancestors, ...(products ? { products: { products: [...products.products.values()], blocks: [...products.blocks.values()] } } : {}) };
  try {
    ensureSvcFolder(dirname(path));
    writeFileAtomic(path, JSON.stringify(data));
  } catch {
    // A cache that cannot be written (read-only checkout) only costs the next command a full load.
  }
}

/** The same answers as ../core/schema/resolve.ts gives, over the remembered kinds. */
function schemaSetFromCache(data: CacheFile): SchemaSet {
  return schemaSetOf(new Map(data.kinds.map((k) => [k.kind, k])), new Map(Object.entries(data.ancestors).map(([k, a]) => [k, new Set(a)])), data.fingerprint);
}
