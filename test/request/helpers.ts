import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otterNetLoaded } from '../helpers/otter.js';
import { git, svc, tempDir, type RunResult } from '../helpers/repo.js';

export const NOW = { SVC_NOW: '2026-01-01T00:00:00Z' };

/** The Otter-net catalog with its bootstrap data loaded and committed on main (a fresh copy each call). */
export function otterNet(): string {
  return otterNetLoaded();
}

/** A bare repository as the shared remote, and `count` clones of it. */
export function withRemote(count: number): { remote: string; clones: string[] } {
  const origin = otterNet();
  const remote = join(tempDir('svc-remote-'), 'otter.git');
  git(origin, 'clone', '-q', '--bare', origin, remote);
  const clones = Array.from({ length: count }, () => {
    const dir = join(tempDir('svc-clone-'), 'otter');
    git(tmpdir(), 'clone', '-q', remote, dir);
    git(dir, 'config', 'commit.gpgsign', 'false');
    return dir;
  });
  return { remote, clones };
}

export function request(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): RunResult {
  return svc(dir, ['request', ...args], { env: { ...NOW, ...env } });
}

export function json<T>(r: RunResult): T {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Everything a test must find unchanged: branches, HEAD, status, index file, refs. */
export function snapshot(dir: string): string {
  // The shared ledger included: without a remote, a refused request puts its ref back where it was.
  const refs = git(dir, 'for-each-ref', '--format=%(refname) %(objectname)');
  const status = git(dir, 'status', '--porcelain=v1', '--untracked-files=all');
  const head = git(dir, 'rev-parse', 'HEAD');
  // The staging area as git sees it (git itself may rewrite .git/index to refresh its caches).
  const staged = git(dir, 'ls-files', '--stage');
  const leftovers = ['.svc/requests'].flatMap((d) => {
    try {
      return readdirSync(join(dir, d)).map((f) => `${d}/${f}`);
    } catch {
      return [];
    }
  });
  return JSON.stringify({ refs, status, head, staged, leftovers });
}

export interface Created {
  request: string;
  subscription: string;
  status: string;
  branch: string;
  commit: string;
  targets: { generator: string | null; outcome: string; lifecycle?: { from: string; to: string }; logs: { message: string }[] }[];
}

export function fileAt(dir: string, rev: string, path: string): string {
  return git(dir, 'show', `${rev}:${path}`);
}
