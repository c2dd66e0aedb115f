import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFileHost } from '../adapters/fs.js';
import { gitSync } from '../adapters/git/run.js';
import { openCatalog } from '../core/catalog/catalog.js';
import { hasErrors } from '../core/diagnostics.js';
import { UsageError, ValidationError } from '../core/errors.js';
import { loadObjects, type LoadResult } from './load.js';
import { createRequest, type RequestResult } from './request.js';

/** The Otter-net example shipped with svc: the package's own catalog. */
export const EXAMPLE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What the scratch catalog needs: everything .orchestrator.yml names (templates/ also holds svc's own). */
export const EXAMPLE_PARTS = ['.orchestrator.yml', 'schemas', 'products', 'generators', 'bootstrap', 'queries', 'checks', 'templates/device_config.j2', 'artifacts'];

export interface DemoResult {
  dir: string;
  loaded: LoadResult;
  request: RequestResult;
}

/**
 * `svc demo`: the whole factory once, on a scratch copy of the Otter-net example: a git repository,
 * the bootstrap data loaded and committed, then one Dedicated Internet request made end to end.
 * The scratch catalog stays so the user can go on (`svc -C <dir> request list`, `git -C <dir> log`).
 */
export async function runDemo(opts: { dir?: string; cwd: string; clock: () => Date }): Promise<DemoResult> {
  const dir = opts.dir === undefined ? mkdtempSync(join(tmpdir(), 'svc-demo-')) : resolve(opts.cwd, opts.dir);
  if (opts.dir !== undefined) {
    if (existsSync(dir) && readdirSync(dir).length) throw new UsageError('demo/not-empty', `${dir} is not empty`, { hint: 'name a new or empty folder, or leave --dir out for a temporary one' });
    mkdirSync(dir, { recursive: true });
  }
  for (const part of EXAMPLE_PARTS) cpSync(join(EXAMPLE_ROOT, part), join(dir, part), { recursive: true });
  const id = identity(dir);
  gitSync(dir, ['init', '-q', '-b', 'main']);
  // The scratch catalog's own identity, for the request's commit too (svc refuses to commit without one).
  if (id.length) for (let i = 1; i < id.length; i += 2) gitSync(dir, ['config', ...id[i]!.split('=')]);
  const { catalog, diagnostics } = openCatalog(dir, nodeFileHost);
  if (!catalog || hasErrors(diagnostics)) throw new ValidationError('demo/bad-example', 'the shipped example catalog is invalid', { diagnostics });
  const loaded = loadObjects(catalog, ['bootstrap'], dir);
  if (!loaded.ok) throw new ValidationError('demo/bad-example', 'the shipped bootstrap data does not load', { diagnostics: loaded.diagnostics });
  gitSync(dir, ['add', '-A']);
  gitSync(dir, [...id, 'commit', '-q', '-m', 'Otter-net: schemas, products, generators and the bootstrap inventory']);
  const request = await createRequest(catalog, {
    product: 'dedicated internet 1000',
    customer: 'Acme Corp',
    description: 'Acme head office, Paris',
    set: { site: 'par01', ip_package: 'small' },
    clock: opts.clock,
  });
  return { dir, loaded, request };
}

/** A machine with no git identity (a fresh CI runner) can still commit the scratch catalog. */
function identity(dir: string): string[] {
  try {
    gitSync(dir, ['var', 'GIT_AUTHOR_IDENT']);
    return [];
  } catch {
    return ['-c', 'user.name=svc demo', '-c', 'user.email=demo@svc.invalid'];
  }
}
