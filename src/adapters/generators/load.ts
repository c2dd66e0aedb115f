import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Message, Plugin } from 'esbuild';
import { diag } from '../../core/diagnostics.js';
import { SvcError, UsageError, ValidationError } from '../../core/errors.js';
import { withCallSite } from '../../core/generate/call-site.js';
import type { GenerateFunction } from '../../sdk/index.js';
import { writeFileAtomic } from '../fs.js';
import { DEFAULT_LIMITS, loadModule, type Limits, type Outcome, type StopReason } from '../sandbox/client.js';
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
  /** The compiled bundle the sandbox runs (content-addressed). */
  cacheFile: string;
  /** Runs the generator in its sandbox with this sdk (see ../sandbox/). */
  generate: GenerateFunction;
}

/** A path relative to the catalog root when it lies inside, else absolute. */
export function displayPathOf(root: string, file: string): string {
  const rel = relative(root, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}

/**
 * Compiles a generator (.ts, .mts, .js, .mjs) from any folder, with no build step and nothing
 * installed in its catalog, and loads it into its sandbox (../sandbox/): a V8 isolate of its own
 * with no Node APIs, whose only way out is the sdk.
 *
 * esbuild bundles the file with its relative imports (so `./lib.js` next to `lib.ts` works, as in
 * TypeScript's NodeNext style) and the packages it imports (which must be plain JavaScript: the
 * sandbox has no module loader); `import type` is erased, and an import of Node's built-in modules
 * is refused here, at bundle time, with its position. The output goes to
 * `<catalog>/.svc/cache/generators/<same relative path>.<hash>.js`: next to a mirror of the source
 * layout, so the inline source map's relative paths resolve as from the source, and named by
 * content, so two processes writing the same file write the same bytes.
 */
export async function loadGenerator(file: string, opts: { catalogRoot: string; limits?: Limits; lazy?: boolean }): Promise<LoadedGenerator> {
  const files = await compiled(file, opts.catalogRoot, 'generators', 'generator');
  const limits = opts.limits ?? DEFAULT_LIMITS;

  if (opts.lazy) {
    // Compiled now (its hash names the code), evaluated at its first run: a generation whose runs
    // are all remembered never starts the sandbox. A failure to load is then the first run's.
    let loading: Promise<LoadedGenerator> | undefined;
    return { ...files, generate: async (sdk) => (await (loading ??= evaluate(files, limits))).generate(sdk) };
  }
  return evaluate(files, limits);
}

/** Finds and bundles a module (cached by content); `code` prefixes its error codes, `what` names it. */
async function compiled(file: string, catalogRoot: string, code: string, what: string): Promise<Omit<LoadedGenerator, 'generate'>> {
  const root = resolve(catalogRoot);
  const abs = resolve(root, file);
  const displayPath = displayPathOf(root, abs);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw new UsageError(`${code}/not-found`, `${what} file ${displayPath} not found`, {
      hint: 'check its `file_path` in .orchestrator.yml (relative to the catalog root)',
    });
  }
  if (!EXTENSIONS.includes(extname(abs))) {
    throw new UsageError(`${code}/unsupported`, `${what} file ${displayPath} is not a module svc can load`, {
      hint: `use one of ${EXTENSIONS.join(', ')}`,
    });
  }
  const inside = displayPath !== abs;
  // Modules outside the catalog get a mirror keyed by their absolute folder, so names never clash.
  const mirror = inside ? displayPath : join('_external', createHash('sha256').update(dirname(abs)).digest('hex').slice(0, 12), basename(abs));
  const placeholder = join(root, CACHE_DIR, mirror.replace(/\.[cm]?[jt]s$/, '.js'));
  const cacheFile = reusable(placeholder, root) ?? (await build(abs, placeholder, root));
  return { file: abs, displayPath, catalogRoot: root, cacheFile };
}

/** A check or a transform: a module whose exported function takes data and returns a value. */
export interface LoadedFunction extends Omit<LoadedGenerator, 'generate'> {
  /** Calls the function in its sandbox; what it returns comes back through JSON. */
  call(data: unknown): Promise<unknown>;
}

/**
 * Loads a check (`check(data)`) or a transform (`transform(data)`) into the generators' sandbox: the
 * same bundle, cache, isolate and limits, but no sdk. It gets `data` (deep-frozen) and what it
 * returns leaves the isolate as JSON. Errors name it (`what`, e.g. `check mtu`) and its source line;
 * their codes start with `code` (`checks/failed`, `checks/timeout`, ...).
 */
export async function loadFunction(file: string, opts: { catalogRoot: string; limits?: Limits; exported: string; code: string; what: string }): Promise<LoadedFunction> {
  const files = await compiled(file, opts.catalogRoot, opts.code, opts.what);
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const module = await loadModule(readFileSync(files.cacheFile, 'utf8'), files.cacheFile, limits, opts.exported);
  const { outcome } = module;
  const answer = parsed(outcome);
  if (outcome.stopped) throw stopped(outcome.stopped, limits, `${opts.what} (${files.displayPath}) was stopped while loading`, opts.code);
  if (answer?.noExport) {
    throw new ValidationError(`${opts.code}/no-export`, `${opts.what}: ${files.displayPath} exports no ${opts.exported} function`, {
      hint: `export function ${opts.exported}(data) { … } (or a default export)`,
      diagnostics: [diag('error', `${opts.code}/no-export`, `exports no ${opts.exported} function`, { file: files.displayPath, line: 1, column: 1 })],
    });
  }
  if (answer?.polluted) throw polluted(answer.polluted, `${opts.what}, while loading,`, opts.code);
  if (!answer?.ok) throw importFailure(errorOf(outcome.error ?? answer ?? { message: 'no answer from the sandbox' }), files);
  const call = async (data: unknown): Promise<unknown> => {
    const o = await module.call(data);
    const a = parsed(o) as (Answer & { value?: unknown }) | undefined;
    if (o.stopped) throw stopped(o.stopped, limits, `${opts.what} (${files.displayPath}) was stopped`, opts.code);
    if (a?.ok) return a.value ?? null;
    if (a?.polluted) throw polluted(a.polluted, opts.what, opts.code);
    if (!a) throw new SvcError(`${opts.code}/sandbox-failed`, o.error?.message ?? 'no answer from the sandbox', { exitCode: 1 });
    const err = a.isError === false ? new Error(a.message ?? '') : errorOf(a);
    const at = locateError(err, files);
    const where = at ? `${at.file}:${at.line}:${at.column}` : files.displayPath;
    throw new SvcError(`${opts.code}/failed`, `${opts.what} failed at ${where}: ${err.message}`, {
      exitCode: 1,
      diagnostics: [diag('error', `${opts.code}/failed`, err.message, at ?? { file: files.displayPath })],
      cause: err,
    });
  };
  const loaded: LoadedFunction = { ...files, call };
  released.register(loaded, module.dispose);
  return loaded;
}

/** Load the compiled bundle into its sandbox. */
async function evaluate(files: Omit<LoadedGenerator, 'generate'>, limits: Limits): Promise<LoadedGenerator> {
  const { displayPath, cacheFile } = files;
  const module = await loadModule(readFileSync(cacheFile, 'utf8'), cacheFile, limits);
  const { outcome } = module;
  const answer = parsed(outcome);
  if (outcome.stopped) throw stopped(outcome.stopped, limits, `generator ${displayPath} was stopped while loading`);
  if (answer?.noExport) {
    throw new ValidationError('generators/no-export', `generator ${displayPath} exports no generate function`, {
      hint: 'export default async function generate(sdk: GeneratorSdk): Promise<void> { … } (or a named export `generate`)',
      diagnostics: [diag('error', 'generators/no-export', 'exports no generate function', { file: displayPath, line: 1, column: 1 })],
    });
  }
  if (answer?.polluted) throw polluted(answer.polluted, `generator ${displayPath}, while loading,`);
  if (!answer?.ok) throw importFailure(errorOf(outcome.error ?? answer ?? { message: 'no answer from the sandbox' }), files);

  const generate: GenerateFunction = async (sdk) => {
    const { outcome: o, errors } = await module.run(sdk);
    const a = parsed(o);
    if (o.stopped) throw stopped(o.stopped, limits, 'stopped');
    if (a?.ok) return;
    if (a?.polluted) throw polluted(a.polluted, 'it');
    if (!a) throw new SvcError('generators/sandbox-failed', o.error?.message ?? 'no answer from the sandbox', { exitCode: 1 });
    throw thrown(a, errors);
  };
  const loaded: LoadedGenerator = { ...files, generate };
  released.register(loaded, module.dispose);
  return loaded;
}

/** A generator that is no longer referenced lets go of its isolate. */
const released = new FinalizationRegistry<() => void>((dispose) => dispose());

/** What the sandbox's prelude answers: see ../sandbox/prelude.ts. */
interface Answer {
  ok: boolean;
  noExport?: boolean;
  polluted?: string;
  isError?: boolean;
  message?: string;
  name?: string;
  stack?: string;
  ref?: number;
  callSite?: string;
}

function parsed(o: Outcome): Answer | undefined {
  return o.json === undefined ? undefined : (JSON.parse(o.json) as Answer);
}

function errorOf(data: { message?: string; name?: string; stack?: string }): Error {
  const err = new Error(data.message ?? '');
  if (data.name) err.name = data.name;
  err.stack = data.stack ?? `${err.name}: ${err.message}`;
  return err;
}

/**
 * The generator's failure rebuilt from its data: svc's own error when it came from the sdk (its code,
 * exit code and hint kept), with the stacks from inside the sandbox so that locateError finds the
 * generator's line.
 */
function thrown(a: Answer, errors: Map<number, unknown>): unknown {
  const own = a.ref === undefined ? undefined : errors.get(a.ref);
  let err: Error;
  if (own instanceof SvcError) {
    err = new SvcError(own.code, own.message, { exitCode: own.exitCode, ...(own.hint !== undefined ? { hint: own.hint } : {}), diagnostics: own.diagnostics, cause: own });
    err.stack = a.stack ?? err.stack;
  } else if (a.isError === false) {
    return a.message ?? '';
  } else {
    err = errorOf(a);
  }
  return a.callSite ? withCallSite(err, a.callSite) : err;
}

const stopped = (reason: StopReason, limits: Limits, what: string, code = 'generators'): SvcError =>
  reason === 'out-of-memory'
    ? new SvcError(`${code}/out-of-memory`, `${what}: it reached the memory limit of ${limits.memoryMb} MB`, {
        exitCode: 1,
        hint: 'raise generator_limits.memory_mb in .orchestrator.yml if the generator needs more',
      })
    : reason === 'stalled'
      ? new SvcError(`${code}/timeout`, `${what}: it waited for a promise that nothing resolves (the sandbox has no timers or I/O)`, { exitCode: 1 })
      : new SvcError(`${code}/timeout`, `${what}: it used more than its ${limits.cpuMs / 1000} s of CPU time`, {
          exitCode: 1,
          hint: 'look for an endless loop, or raise generator_limits.cpu_seconds in .orchestrator.yml',
        });

const polluted = (what: string, who: string, code = 'generators'): SvcError =>
  new SvcError(`${code}/polluted`, `${who} changed ${what}: ${code === 'generators' ? 'a generator' : 'a check or transform'} may not change JavaScript's built-in objects`, { exitCode: 1, hint: 'keep helpers in your own modules instead of adding them to built-in prototypes' });

/**
 * Next to each compiled module, a manifest names the files esbuild read for it (the generator and
 * its relative imports) with their SHA-256. While they all hash the same, the module is reused
 * without starting esbuild (~40 ms, a twentieth of a no-op generation over 100,000 objects).
 * Packages stay external: a changed package in node_modules is not seen here.
 */
/** 2: bundles for the sandbox (an IIFE with packages inlined); 1 were ES modules for import(). */
const MANIFEST_FORMAT = 2;

interface Manifest {
  format: typeof MANIFEST_FORMAT;
  module: string;
  inputs: Record<string, string>;
}

const manifestPath = (placeholder: string) => placeholder.replace(/\.js$/, '.json');
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

function reusable(placeholder: string, root: string): string | undefined {
  try {
    const m = JSON.parse(readFileSync(manifestPath(placeholder), 'utf8')) as Manifest;
    if (m.format !== MANIFEST_FORMAT || typeof m.module !== 'string' || typeof m.inputs !== 'object' || m.inputs === null) return undefined;
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
  const cacheFile = placeholder.replace(/\.js$/, `.${hash}.js`);
  if (!existsSync(cacheFile)) {
    // The cache ignores itself, so a catalog needs no .gitignore entry and `git status` stays clean.
    const ignore = join(root, CACHE_DIR, '.gitignore');
    if (!existsSync(ignore)) writeFileAtomic(ignore, '*\n');
    writeFileAtomic(cacheFile, code);
  }
  const hashes: Record<string, string> = {};
  for (const f of inputs.sort()) hashes[f] = sha256(readFileSync(resolve(root, f)));
  const manifest: Manifest = { format: MANIFEST_FORMAT, module: basename(cacheFile), inputs: hashes };
  writeFileAtomic(manifestPath(placeholder), `${JSON.stringify(manifest, null, 2)}\n`);
  pruneOlder(placeholder, cacheFile);
  return cacheFile;
}

/** How long an older compiled version stays: a process started before an edit may still load it. */
const PRUNE_AFTER_MS = 10 * 60 * 1000;

function pruneOlder(placeholder: string, keep: string): void {
  const dir = dirname(placeholder);
  const stem = basename(placeholder).replace(/\.js$/, '');
  const version = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{16}\\.js$`);
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

/** Node's built-in modules, by every name an import can give them. */
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Refuses, at bundle time and with its position, an import the sandbox could never satisfy: Node's
 * built-in modules (the file system, processes, the network, the environment) and native addons.
 */
const forbidden: Plugin = {
  name: 'svc-sandbox',
  setup(b) {
    b.onResolve({ filter: /^node:|^[a-z_]+(\/[a-z_/]+)?$/ }, (args) => {
      if (!BUILTINS.has(args.path) && !args.path.startsWith('node:')) return undefined;
      return { errors: [{ text: `imports ${args.path}, a Node built-in module: a generator runs sandboxed, with no file system, network, processes or environment; it gets what it needs through its sdk argument` }] };
    });
    b.onResolve({ filter: /\.node$/ }, (args) => ({ errors: [{ text: `imports ${args.path}, a native addon: a generator runs sandboxed and may use plain JavaScript only` }] }));
  },
};

async function compile(entry: string, outfile: string, root: string): Promise<{ code: string; inputs: string[] }> {
  // Loaded on first use: esbuild starts a helper process, which commands without generators never need.
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      outfile,
      absWorkingDir: root,
      bundle: true,
      // The sandbox is a bare V8: no Node, no browser; packages come in as plain JavaScript.
      platform: 'neutral',
      mainFields: ['module', 'main'],
      format: 'iife',
      globalName: '__svc_generator',
      // A generator is an ES module, strict by definition; an IIFE is not unless it says so.
      banner: { js: '"use strict";' },
      target: 'es2022',
      plugins: [forbidden],
      sourcemap: 'inline',
      sourcesContent: false,
      write: false,
      metafile: true,
      logLevel: 'silent',
      charset: 'utf8',
    });
    const out = result.outputFiles[0];
    if (!out) throw new Error('esbuild produced no output');
    // Paths relative to absWorkingDir (the catalog root), as the manifest stores them; packages too.
    return { code: out.text, inputs: Object.keys(result.metafile?.inputs ?? {}) };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (!errors?.length) throw e;
    const missing = errors.map((m) => /^Could not resolve "([^".][^"]*)"/.exec(m.text)?.[1]).find((p) => p !== undefined);
    if (missing !== undefined && errors.length === 1) {
      const pkg = missing.startsWith('@') ? missing.split('/').slice(0, 2).join('/') : missing.split('/')[0]!;
      throw new ValidationError('generators/import-failed', `generator ${displayPathOf(root, entry)} imports ${pkg}, which is not installed where the generator lives`, {
        hint: "import svc's types with `import type` (erased), and receive everything else through the sdk argument",
        cause: e,
      });
    }
    const diagnostics = errors.map((m) => {
      const at = m.location;
      const file = at ? displayPathOf(root, resolve(root, at.file)) : displayPathOf(root, entry);
      // esbuild counts columns from 0; svc from 1.
      return diag('error', buildCode(m), m.text, at ? { file, line: at.line, column: at.column + 1 } : { file });
    });
    const first = diagnostics[0]!;
    const where = first.line !== undefined ? `${first.file}:${first.line}:${first.column}` : first.file;
    throw new ValidationError(first.code, `${where}: ${first.message}`, {
      diagnostics,
      cause: e,
      ...(first.code === 'generators/forbidden-import' ? { hint: 'README.md, Generators: what a generator may and may not do' } : {}),
    });
  }
}

const buildCode = (m: Message): string =>
  m.pluginName === 'svc-sandbox' ? 'generators/forbidden-import' : m.text.startsWith('Could not resolve') || m.text.startsWith('No loader') ? 'generators/unresolved-import' : 'generators/syntax';

/** A throw at the module's top level, mapped to its line. */
function importFailure(err: Error, gen: Omit<LoadedGenerator, 'generate'>): ValidationError {
  const at = locateError(err, gen);
  const where = at ? `${at.file}:${at.line}:${at.column}` : gen.displayPath;
  return new ValidationError('generators/load-failed', `generator ${gen.displayPath} failed while loading, at ${where}: ${err.message}`, {
    diagnostics: [diag('error', 'generators/load-failed', err.message, at ?? { file: gen.displayPath })],
    cause: err,
  });
}
