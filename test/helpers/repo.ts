import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SVC_BIN = join(PROJECT_ROOT, 'bin/svc');

/** A deterministic environment for git and svc: fixed identity and dates, no colour, no user config. */
export const TEST_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  LANG: 'C',
  NO_COLOR: '1',
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.test',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.test',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'svc-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export type FileTree = Record<string, string>;

export function writeTree(root: string, files: FileTree): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: TEST_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A temporary git repository holding `files`, committed on `main`, with background gc and
 * maintenance off (they race with cleanup).
 */
export function tempRepo(files: FileTree = {}, opts: { commit?: boolean } = {}): string {
  const dir = tempDir('svc-repo-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  git(dir, 'config', 'maintenance.auto', 'false');
  git(dir, 'config', 'commit.gpgsign', 'false');
  writeTree(dir, files);
  if (opts.commit !== false && Object.keys(files).length) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
  }
  return dir;
}

/** Copy the repository's own Otter-net catalog (config, schemas, products, generators, inventory) into a temp repo. */
export function otterNetRepo(): string {
  const files: FileTree = {};
  const add = (rel: string) => {
    const abs = join(PROJECT_ROOT, rel);
    if (!existsSync(abs)) return;
    for (const e of readdirSync(abs, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const full = join(e.parentPath, e.name);
      files[full.slice(PROJECT_ROOT.length + 1)] = readFileSync(full, 'utf8');
    }
  };
  // checks, queries and templates too: .orchestrator.yml names them (requests run the checks, and
  // requests and generate re-render the artifacts their change touches).
  files['.orchestrator.yml'] = readFileSync(join(PROJECT_ROOT, '.orchestrator.yml'), 'utf8');
  for (const d of ['schemas', 'products', 'generators', 'inventory', 'checks', 'queries', 'templates']) add(d);
  return tempRepo(files);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run bin/svc as svc() does, and list the git commands it started, in order, as GIT_TRACE saw them
 * (`status --porcelain ...`, `rev-parse ...`; leading `-c name=value` options left out).
 */
export function svcTraced(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): RunResult & { calls: string[] } {
  const trace = join(tempDir('svc-trace-'), 'trace.txt');
  const r = svc(cwd, args, { env: { ...env, GIT_TRACE: trace } });
  const text = existsSync(trace) ? readFileSync(trace, 'utf8') : '';
  return { ...r, calls: [...text.matchAll(/trace: built-in: git (.*)$/gm)].map((m) => m[1]!.replace(/^(-c \S+ )+/, '')) };
}

/** Run the real bin/svc as a process. */
export function svc(cwd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [SVC_BIN, ...args], {
    cwd,
    env: { ...TEST_ENV, ...opts.env },
    encoding: 'utf8',
    input: opts.input ?? '',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Merge a request branch as a reviewer would. Requests at one site re-render the same device
 * configurations, so two of them merged one after the other conflict in artifacts/ only: those files
 * are rendered again from the merged inventory (`svc render`), as `svc request rebase` would. A
 * conflict anywhere else fails the test. Returns whether artifacts had to be rendered again.
 */
export function mergeRequest(dir: string, branch: string): boolean {
  const r = spawnSync('git', ['merge', '-q', '--no-ff', '-m', `merge ${branch}`, branch], { cwd: dir, encoding: 'utf8' });
  if (r.status === 0) return false;
  const conflicted = git(dir, 'diff', '--name-only', '--diff-filter=U').trim().split('\n').filter(Boolean);
  const outside = conflicted.filter((p) => !p.startsWith('artifacts/'));
  if (outside.length || !conflicted.length) throw new Error(`merging ${branch}: ${r.stdout}${r.stderr}`);
  git(dir, 'checkout', '--theirs', '--', ...conflicted);
  const render = svc(dir, ['render']);
  if (render.code !== 0) throw new Error(`svc render after merging ${branch}: ${render.stderr}`);
  git(dir, 'add', '-A', '--', 'artifacts');
  git(dir, 'commit', '-q', '--no-edit');
  return true;
}
