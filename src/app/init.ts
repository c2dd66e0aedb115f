import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFileHost } from '../adapters/fs.js';
import { gitSync } from '../adapters/git/run.js';
import { killPoint } from '../adapters/kill-point.js';
import { processStart, processStillRuns } from '../adapters/process.js';
import { ensureSvcFolder, INIT_STAGE, settleSvcFolder } from '../adapters/svc-folder.js';
import { commitFiles } from '../adapters/txn/journal.js';
import { openCatalog } from '../core/catalog/catalog.js';
import { hasErrors } from '../core/diagnostics.js';
import { UsageError, ValidationError } from '../core/errors.js';
import { editorFiles, withModeline } from './init-editor.js';
import { loadObjects } from './load.js';

/**
 * `svc init <dir>`: a new catalog with its own git repository, a small working example (schemas, a
 * product, a generator, bootstrap objects already loaded into the inventory) and the GitHub Actions
 * workflows (checks on pull requests, the comment they post, settlement after a merge), in one
 * initial commit.
 *
 * The files come verbatim from templates/init/ so they can be reviewed as files. npm drops some
 * dotfiles (.gitignore) from published packages, so a path component `dot-x` in the templates is
 * written as `.x`.
 */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/init/', import.meta.url));

/** The workflow files, and the lines of them that init fills in rather than copying verbatim. */
const WORKFLOWS = new Set(['.github/workflows/svc.yml', '.github/workflows/svc-settle.yml']);
const PACKAGE_LINE = /^(\s*SVC_PACKAGE: )""$/m;
const SETTLE = '.github/workflows/svc-settle.yml';
const BRANCHES_LINE = /^(\s*branches: )\[main\]$/m;

export interface InitOptions {
  force?: boolean;
  /**
   * What the workflow installs svc from (npm install -g's argument). Absent: left empty, and the
   * workflow fails saying so, rather than install whatever an unrelated registry name holds.
   */
  svcPackage?: string;
  /** Where the templates are (tests may point elsewhere). */
  templates?: string;
}

export interface InitResult {
  root: string;
  /** Catalog-relative paths of the files written from the templates, sorted. */
  files: string[];
  /** Objects loaded from bootstrap/ into the inventory. */
  objects: number;
  /** Inventory files written by that load. */
  inventoryFiles: number;
  commit: string;
  /** What the workflow installs svc from; null: not set yet (the workflow fails until it is). */
  svcPackage: string | null;
}

/** The template's relative path → the catalog's (`dot-github/x` → `.github/x`). */
export function targetPath(templateRel: string): string {
  return templateRel
    .split('/')
    .map((c) => (c.startsWith('dot-') ? `.${c.slice(4)}` : c))
    .join('/');
}

/** Where a new catalog goes, checked: a new or empty folder (or any, with --force); a valid --svc-package. */
export interface Target {
  root: string;
  existed: boolean;
  wasEmpty: boolean;
}

export function checkTarget(dir: string, cwd: string, opts: Pick<InitOptions, 'force' | 'svcPackage'>): Target {
  const root = resolve(cwd, dir);
  const existed = existsSync(root);
  if (existed && !statSync(root).isDirectory()) {
    throw new UsageError('init/not-a-folder', `${dir} exists and is not a folder`, { hint: 'name a new or empty folder' });
  }
  const wasEmpty = !existed || readdirSync(root).length === 0;
  if (!wasEmpty && !opts.force) {
    throw new UsageError('init/not-empty', `${dir} is not empty: nothing was written`, { hint: 'name a new or empty folder, or pass --force to add the example catalog to it (files of the same name are replaced)' });
  }
  if (opts.svcPackage !== undefined && !/^[^\s"\\]+$/.test(opts.svcPackage)) {
    throw new UsageError('init/bad-package', `--svc-package ${JSON.stringify(opts.svcPackage)} is not a package spec`, { hint: 'give what `npm install -g` takes, without spaces or quotes: a tarball URL, github:<owner>/<repo>#<commit>, or name@version' });
  }
  return { root, existed, wasEmpty };
}

/**
 * A half-made catalog is worse than none: undo what this run made. Into a folder that already held
 * files (--force) nothing is removed: which of them were the user's cannot be told apart.
 */
export function undoTarget(t: Target): void {
  if (!t.existed) rmSync(t.root, { recursive: true, force: true });
  else if (t.wasEmpty) for (const entry of readdirSync(t.root)) rmSync(join(t.root, entry), { recursive: true, force: true });
}

/** A template file as init writes it: the workflows get the package svc comes from and the branch. */
export function renderTemplate(rel: string, text: string, svcPackage: string | undefined, branch: string): string {
  if (WORKFLOWS.has(rel) && svcPackage !== undefined) text = text.replace(PACKAGE_LINE, `$1"${svcPackage}"`);
  // Quoted: YAML would read a branch such as `1.0` or `yes` as a number or a boolean.
  if (rel === SETTLE && branch !== 'main') text = text.replace(BRANCHES_LINE, `$1[${JSON.stringify(branch)}]`);
  return text;
}

export function initCatalog(dir: string, cwd: string, opts: InitOptions = {}): InitResult {
  const root = resolve(cwd, dir);
  const templates = opts.templates ?? TEMPLATE_DIR;
  // What a killed init left: its staging folders, and a change half-moved into an existing folder.
  removeAbandonedStages(dirname(root));
  if (existsSync(join(root, '.svc'))) {
    settleSvcFolder(root);
    // An init into an empty folder, killed before its commit point, leaves only .svc (derived data
    // and nothing else, now that its transaction is undone): the folder counts as empty again.
    if (readdirSync(root).join() === '.svc') {
      rmSync(join(root, '.svc'), { recursive: true, force: true });
    }
  }
  const { existed, wasEmpty } = checkTarget(dir, cwd, opts);
  const sources = nodeFileHost.isDirectory(templates) ? nodeFileHost.listFiles(templates, ['']) : [];
  if (!sources.length) throw new UsageError('init/no-templates', `no templates in ${templates}`, { hint: 'reinstall svc: its templates/ folder is missing' });
  // The catalog is made whole in a staging folder beside the target, then put in place in one step
  // (docs/atomicity.md): a rename when the folder is new, one file transaction into an existing one.
  // Beside a new folder; in an existing one's .svc (the parent may not be writable), where the
  // next command removes it if this one is killed (settleCatalog).
  const owner = `${process.pid}-${processStart(process.pid) ?? ''}`;
  const stage = existed ? join(root, '.svc', `${INIT_STAGE}${owner}`) : join(dirname(root), `.${basename(root)}${STAGE_MARK}${owner}`);
  rmSync(stage, { recursive: true, force: true });
  try {
    // Into a repository that exists already (--force), the settle workflow must run on its branch.
    const ownRepo = wasEmpty;
    // (git init in an existing repository keeps it and its branch.)
    if (!ownRepo) gitSync(root, ['init', '-q', '-b', 'main']);
    const branch = ownRepo ? 'main' : currentBranch(root);
    if (existed) ensureSvcFolder(join(root, '.svc'));
    mkdirSync(stage, { recursive: true });
    if (ownRepo) gitSync(stage, ['init', '-q', '-b', 'main']);
    const files: string[] = [];
    for (const src of sources) {
      const rel = targetPath(relative(templates, src).split(sep).join('/'));
      mkdirSync(dirname(join(stage, rel)), { recursive: true });
      writeFileSync(join(stage, rel), withModeline(rel, renderTemplate(rel, nodeFileHost.readText(src), opts.svcPackage, branch)));
      files.push(rel);
    }
    for (const f of editorFiles()) {
      mkdirSync(dirname(join(stage, f.rel)), { recursive: true });
      writeFileSync(join(stage, f.rel), f.text);
      files.push(f.rel);
    }
    files.sort();
    const loaded = loadBootstrap(stage);
    // Only what init made: with --force the folder may hold the user's own files, staged or not.
    const made = [...files, ...(loaded.written ? [relative(stage, loaded.inventory)] : [])];
    if (ownRepo) commitMade(stage, made);
    killPoint('init-built');
    if (!existed) renameSync(stage, root);
    else {
      // The configuration first: a command run in the folder after a kill mid-way finds the
      // catalog, and with it the journal that finishes the move.
      const all = stagedFiles(stage, ownRepo).sort((a, b) => (a === CONFIG ? -1 : b === CONFIG ? 1 : a < b ? -1 : 1));
      commitFiles({ root, base: root }, all.map((p) => ({ path: p, text: readFileSync(join(stage, p)) })), []);
      if (!ownRepo) commitMade(root, made);
      rmSync(stage, { recursive: true, force: true });
    }
    const commit = gitSync(root, ['rev-parse', 'HEAD']).trim();
    return { root, files, objects: loaded.objects, inventoryFiles: loaded.written, commit, svcPackage: opts.svcPackage ?? null };
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    // Into an empty folder: the .svc made for the staging goes too, leaving it empty as it was.
    if (existed && wasEmpty && readdirSync(root).join() === '.svc') rmSync(join(root, '.svc'), { recursive: true, force: true });
    throw e;
  }
}

const CONFIG = '.orchestrator.yml';
const STAGE_MARK = '.svc-init.';

function commitMade(repo: string, made: string[]): void {
  gitSync(repo, ['add', '--', ...made]);
  gitSync(repo, [...identityArgs(repo), 'commit', '-q', '--no-verify', '-m', 'svc init: an example catalog', '-m', 'Schemas, a product, a generator and the bootstrap objects, loaded into the inventory.', '--', ...made]);
}

/** The staged catalog's files (its .git too when it is the catalog's own repository); not .svc, which is derived. */
function stagedFiles(stage: string, withGit: boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(stage, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const rel = relative(stage, join(e.parentPath, e.name)).split(sep).join('/');
    const top = rel.split('/')[0];
    if (top === '.svc' || (top === '.git' && !withGit)) continue;
    out.push(rel);
  }
  return out;
}

/** Staging folders of inits whose process is gone (killed before the catalog was put in place). */
function removeAbandonedStages(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const i = name.lastIndexOf(STAGE_MARK);
    if (!name.startsWith('.') || i < 0) continue;
    const m = /^(\d+)-(\d*)$/.exec(name.slice(i + STAGE_MARK.length));
    if (!m || processStillRuns(Number(m[1]), m[2]!)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** What `svc load bootstrap` does, through the same function. */
function loadBootstrap(root: string): { objects: number; written: number; inventory: string } {
  const { catalog, diagnostics } = openCatalog(root, nodeFileHost);
  if (!catalog || hasErrors(diagnostics)) throw new UsageError('init/bad-template', 'the template .orchestrator.yml is invalid', { diagnostics });
  if (!existsSync(join(root, 'bootstrap'))) return { objects: 0, written: 0, inventory: catalog.inventory };
  const loaded = loadObjects(catalog, ['bootstrap'], root);
  if (!loaded.ok) throw new ValidationError('init/bad-template', 'the template bootstrap objects do not load', { diagnostics: loaded.diagnostics });
  return { objects: loaded.objects, written: loaded.written.length, inventory: catalog.inventory };
}

/** The branch HEAD names (`main` when init made the repository), also before its first commit. */
export function currentBranch(root: string): string {
  try {
    return gitSync(root, ['symbolic-ref', '--short', '-q', 'HEAD']).trim() || 'main';
  } catch {
    // A detached HEAD: the workflow keeps the template's branch, to be edited.
    return 'main';
  }
}

/** A machine with no git identity (a fresh CI runner) can still make the initial commit. */
export function identityArgs(root: string): string[] {
  try {
    gitSync(root, ['var', 'GIT_COMMITTER_IDENT']);
    gitSync(root, ['var', 'GIT_AUTHOR_IDENT']);
    return [];
  } catch {
    return ['-c', 'user.name=svc', '-c', 'user.email=svc@localhost'];
  }
}
