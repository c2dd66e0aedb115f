import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Message } from 'esbuild';
import { diag } from '../../core/diagnostics.js';
import { UsageError, ValidationError } from '../../core/errors.js';
import type { GenerateFunction } from '../../sdk/index.js';
import { writeFileAtomic } from '../fs.js';
import { locateError } from './stack.js';

/** Where compiled generators go, under the catalog root: a cache, never committed. */
export const CACHE_DIR = join('.svc', 'cache');

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export interface LoadedGenerator {
  /** Absolute path of the generator's own file. */
  file: string;
  /** The file as the user names it: relative to the catalog root when inside it. */
  displayPath: string;
  catalogRoot: string;
  /** The compiled module actually imported (content-addressed). */
  cacheFile: string;
  generate: GenerateFunction;
}

/** A path relative to the catalog root when it lies inside, else absolute. */
export function displayPathOf(root: string, file: string): string {
  const rel = relative(root, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}

/**
 * Compiles and imports a generator (.ts, .mts, .js, .mjs) from any folder, with no build step and
 * nothing installed in its catalog.
 *
 * esbuild bundles the file with its relative imports (so `./lib.js` next to `lib.ts` works, as in
 * TypeScript's NodeNext style) and leaves package imports external; `import type` is erased. The
 * output goes to `<catalog>/.svc/cache/generators/<same relative path>.<hash>.mjs`: next to a mirror
 * of the source layout, so the inline source map's relative paths and any package resolution behave
 * as from the source, and named by content, so an edited generator gets a new module URL even in a
 * long-lived process, and two processes writing the same file write the same bytes.
 */
export async function loadGenerator(file: string, opts: { catalogRoot: string }): Promise<LoadedGenerator> {
  const root = resolve(opts.catalogRoot);
  const abs = resolve(root, file);
  const displayPath = displayPathOf(root, abs);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw new UsageError('generators/not-found', `generator file ${displayPath} not found`, {
      hint: 'check the `file` of the generator in .orchestrator.yml (relative to the catalog root)',
    });
  }
  if (!EXTENSIONS.includes(extname(abs))) {
    throw new UsageError('generators/unsupported', `generator file ${displayPath} is not a module svc can load`, {
      hint: `use one of ${EXTENSIONS.join(', ')}`,
    });
  }

  const inside = displayPath !== abs;
  // Generators outside the catalog get a mirror keyed by their absolute folder, so names never clash.
  const mirror = inside ? displayPath : join('_external', createHash('sha256').update(dirname(abs)).digest('hex').slice(0, 12), basename(abs));
  const placeholder = join(root, CACHE_DIR, mirror.replace(/\.[cm]?[jt]s$/, '.mjs'));
  const cacheFile = reusable(placeholder, root) ?? (await build(abs, placeholder, root));

  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(cacheFile).href)) as Record<string, unknown>;
  } catch (e) {
    throw importFailure(e, { file: abs, displayPath, catalogRoot: root, cacheFile });
  }
  const generate = typeof mod.default === 'function' ? mod.default : mod.generate;
  if (typeof generate !== 'function') {
    throw new ValidationError('generators/no-export', `generator ${displayPath} exports no generate function`, {
      hint: 'export default async function generate(sdk: GeneratorSdk): Promise<void> { … } (or a named export `generate`)',
      diagnostics: [diag('error', 'generators/no-export', 'exports no generate function', { file: displayPath, line: 1, column: 1 })],
    });
  }
  return { file: abs, displayPath, catalogRoot: root, cacheFile, generate: generate as GenerateFunction };
}

/**
 * Next to each compiled module, a manifest names the files esbuild read for it (the generator and
 * its relative imports) with their SHA-256. While they all hash the same, the module is reused
 * without starting esbuild (~40 ms, a twentieth of a no-op generation over 100,000 objects).
 * Packages stay external: a changed package in node_modules is not seen here.
 */
interface Manifest {
  format: 1;
  module: string;
  inputs: Record<string, string>;
}

const manifestPath = (placeholder: string) => placeholder.replace(/\.mjs$/, '.json');
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

function reusable(placeholder: string, root: string): string | undefined {
  try {
    const m = JSON.parse(readFileSync(manifestPath(placeholder), 'utf8')) as Manifest;
    if (m.format !== 1 || typeof m.module !== 'string' || typeof m.inputs !== 'object' || m.inputs === null) return undefined;
    const module = join(dirname(placeholder), basename(m.module));
    if (!existsSync(module)) return undefined;
    for (const [file, hash] of Object.entries(m.inputs)) if (sha256(readFileSync(resolve(root, file))) !== hash) return undefined;
    return module;
  } catch {
    return undefined;
  }
}

/** Compile, write the module (named by its content) and its manifest, and prune older versions. */
async function build(abs: string, placeholder: string, root: string): Promise<string> {
  const { code, inputs } = await compile(abs, placeholder, root);
  const hash = sha256(code).slice(0, 16);
  const cacheFile = placeholder.replace(/\.mjs$/, `.${hash}.mjs`);
  if (!existsSync(cacheFile)) {
    // The cache ignores itself, so a catalog needs no .gitignore entry and `git status` stays clean.
    const ignore = join(root, CACHE_DIR, '.gitignore');
    if (!existsSync(ignore)) writeFileAtomic(ignore, '*\n');
    writeFileAtomic(cacheFile, code);
  }
  const hashes: Record<string, string> = {};
  for (const f of inputs.sort()) hashes[f] = sha256(readFileSync(resolve(root, f)));
  const manifest: Manifest = { format: 1, module: basename(cacheFile), inputs: hashes };
  writeFileAtomic(manifestPath(placeholder), `${JSON.stringify(manifest, null, 2)}\n`);
  pruneOlder(placeholder, cacheFile);
  return cacheFile;
}

/** How long an older compiled version stays: a process started before an edit may still import it. */
const PRUNE_AFTER_MS = 10 * 60 * 1000;

function pruneOlder(placeholder: string, keep: string): void {
  const dir = dirname(placeholder);
  const stem = basename(placeholder).replace(/\.mjs$/, '');
  const version = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{16}\\.mjs$`);
  for (const f of readdirSync(dir)) {
    const full = join(dir, f);
    if (full === keep || !version.test(f)) continue;
    try {
      if (Date.now() - statSync(full).mtimeMs > PRUNE_AFTER_MS) unlinkSync(full);
    } catch {
      /* gone already, or in use elsewhere: the next build tries again */
    }
  }
}

async function compile(entry: string, outfile: string, root: string): Promise<{ code: string; inputs: string[] }> {
  // Loaded on first use: esbuild starts a helper process, which commands without generators never need.
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      outfile,
      absWorkingDir: root,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      write: false,
      metafile: true,
      logLevel: 'silent',
      charset: 'utf8',
    });
    const out = result.outputFiles[0];
    if (!out) throw new Error('esbuild produced no output');
    // Paths relative to absWorkingDir (the catalog root), as the manifest stores them.
    return { code: out.text, inputs: Object.keys(result.metafile?.inputs ?? {}) };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (!errors?.length) throw e;
    const diagnostics = errors.map((m) => {
      const at = m.location;
      const file = at ? displayPathOf(root, resolve(root, at.file)) : displayPathOf(root, entry);
      // esbuild counts columns from 0; svc from 1.
      return diag('error', buildCode(m), m.text, at ? { file, line: at.line, column: at.column + 1 } : { file });
    });
    const first = diagnostics[0]!;
    const where = first.line !== undefined ? `${first.file}:${first.line}:${first.column}` : first.file;
    throw new ValidationError(first.code, `${where}: ${first.message}`, { diagnostics, cause: e });
  }
}

const buildCode = (m: Message): string => (m.text.startsWith('Could not resolve') ? 'generators/unresolved-import' : 'generators/syntax');

/** An import that failed: a missing package, or a throw at the module's top level (mapped to its line). */
function importFailure(e: unknown, gen: Omit<LoadedGenerator, 'generate'>): ValidationError {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: string }).code;
  if (code === 'ERR_MODULE_NOT_FOUND') {
    const pkg = /Cannot find (?:package|module) '([^']+)'/.exec(err.message)?.[1] ?? 'a module';
    return new ValidationError('generators/import-failed', `generator ${gen.displayPath} imports ${pkg}, which is not installed where the generator lives`, {
      hint: "import svc's types with `import type` (erased), and receive everything else through the sdk argument",
      cause: err,
    });
  }
  const at = locateError(err, gen);
  const where = at ? `${at.file}:${at.line}:${at.column}` : gen.displayPath;
  return new ValidationError('generators/load-failed', `generator ${gen.displayPath} failed while loading, at ${where}: ${err.message}`, {
    diagnostics: [diag('error', 'generators/load-failed', err.message, at ?? { file: gen.displayPath })],
    cause: err,
  });
}
