import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { nodeFileHost, writeFileAtomic } from '../adapters/fs.js';
import { gitSync } from '../adapters/git/run.js';
import { CONFIG_FILE } from '../core/catalog/root.js';
import { openCatalog } from '../core/catalog/catalog.js';
import { orchestratorConfigFrom, planFromInfrahub, type LeftBehind } from '../core/catalog/from-infrahub.js';
import { hasErrors } from '../core/diagnostics.js';
import { UsageError, ValidationError } from '../core/errors.js';
import { parseYaml } from '../core/yaml/source.js';
import { checkTarget, currentBranch, identityArgs, renderTemplate, TEMPLATE_DIR, undoTarget, type InitOptions } from './init.js';
import { loadObjects } from './load.js';

/** The files init writes besides what it brings from the Infrahub repository: CI and .gitignore. */
const KEPT_TEMPLATES = ['dot-gitignore', 'dot-github/workflows/svc.yml', 'dot-github/workflows/svc-settle.yml'];

export interface FromInfrahubResult {
  root: string;
  /** The repository it came from (absolute). */
  from: string;
  /** Catalog-relative paths of the files written (config, CI, schemas, object files), sorted. */
  files: string[];
  objects: number;
  inventoryFiles: number;
  commit: string;
  svcPackage: string | null;
  /** What .infrahub.yml holds that svc cannot use, entry by entry. */
  leftBehind: LeftBehind[];
}

/**
 * `svc init <dir> --from-infrahub <repo>`: an svc catalog from an Infrahub repository. Schemas and
 * object files are copied as they are (to the same paths), .infrahub.yml becomes .orchestrator.yml,
 * and the object files are loaded into the inventory with `svc load`; one commit. What svc has no
 * counterpart for is reported, not copied. Nothing is left behind when a step fails.
 */
export function initFromInfrahub(dir: string, cwd: string, repo: string, opts: InitOptions = {}): FromInfrahubResult {
  const from = resolve(cwd, repo);
  const configPath = join(from, '.infrahub.yml');
  if (!existsSync(configPath)) {
    throw new UsageError('init/no-infrahub-config', `${repo}: no .infrahub.yml there`, { hint: 'name the root of an Infrahub repository (the folder that holds .infrahub.yml)' });
  }
  const src = parseYaml(readFileSync(configPath, 'utf8'), '.infrahub.yml');
  const plan = planFromInfrahub(src);
  const problems = [...src.diagnostics, ...plan.diagnostics];
  for (const p of [...plan.schemas, ...plan.objects]) {
    const abs = resolve(from, p);
    const rel = relative(from, abs);
    if (rel.startsWith('..') || resolve(rel) === rel) throw new UsageError('init/infrahub-path', `.infrahub.yml: "${p}" is outside ${repo}`, { hint: 'an svc catalog holds its schemas and object files itself' });
    if (!existsSync(abs)) throw new UsageError('init/infrahub-path', `.infrahub.yml names "${p}", which is not in ${repo}`, { hint: 'fix .infrahub.yml (Infrahub would not load it either), then try again' });
  }
  if (hasErrors(problems)) throw new UsageError('init/infrahub-config', `${repo}/.infrahub.yml cannot be read`, { diagnostics: problems });
  const target = checkTarget(dir, cwd, opts);
  const { root } = target;
  try {
    mkdirSync(root, { recursive: true });
    gitSync(root, ['init', '-q', '-b', 'main']);
    const branch = currentBranch(root);
    const files: string[] = [];
    for (const rel of KEPT_TEMPLATES) {
      const out = rel.replace(/(^|\/)dot-/g, '$1.');
      writeFileAtomic(join(root, out), renderTemplate(out, readFileSync(join(opts.templates ?? TEMPLATE_DIR, rel), 'utf8'), opts.svcPackage, branch));
      files.push(out);
    }
    writeFileAtomic(join(root, CONFIG_FILE), orchestratorConfigFrom(plan, basename(from)));
    files.push(CONFIG_FILE);
    for (const p of [...plan.schemas, ...plan.objects]) {
      const abs = resolve(from, p);
      const rel = relative(from, abs);
      cpSync(abs, join(root, rel), { recursive: true });
      if (statSync(abs).isDirectory()) files.push(...nodeFileHost.listFiles(abs, ['']).map((f) => relative(from, f)));
      else files.push(rel);
    }
    const uniqueFiles = [...new Set(files)].sort();
    const loaded = loadInto(root, plan.objects);
    const made = [...uniqueFiles, ...(loaded.written ? [relative(root, loaded.inventory)] : [])];
    gitSync(root, ['add', '--', ...made]);
    gitSync(root, [...identityArgs(root), 'commit', '-q', '--no-verify', '-m', `svc init --from-infrahub ${basename(from)}`, '-m', `Schemas and object files from ${basename(from)}/.infrahub.yml, the objects loaded into the inventory.`, '--', ...made]);
    const commit = gitSync(root, ['rev-parse', 'HEAD']).trim();
    return { root, from, files: uniqueFiles, objects: loaded.objects, inventoryFiles: loaded.written, commit, svcPackage: opts.svcPackage ?? null, leftBehind: plan.leftBehind };
  } catch (e) {
    undoTarget(target);
    throw e;
  }
}

function loadInto(root: string, objects: readonly string[]): { objects: number; written: number; inventory: string } {
  const { catalog, diagnostics } = openCatalog(root, nodeFileHost);
  if (!catalog || hasErrors(diagnostics)) throw new UsageError('init/infrahub-config', 'the .orchestrator.yml made from .infrahub.yml is invalid', { diagnostics });
  if (!objects.length) return { objects: 0, written: 0, inventory: catalog.inventory };
  const loaded = loadObjects(catalog, objects, root);
  if (!loaded.ok) throw new ValidationError('init/infrahub-objects', 'the object files do not load: nothing was written', { diagnostics: loaded.diagnostics, hint: 'fix them in the Infrahub repository (or load them later with `svc load`), then try again' });
  return { objects: loaded.objects, written: loaded.written.length, inventory: catalog.inventory };
}
