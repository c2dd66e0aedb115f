// Requests at scale (issue 6): `svc request create` end to end (a branch committed without a
// checkout, generation included) on the ~100,000-object Otter-net inventory of generate.bench, each
// run next to `git diff --stat` of the change it made. Target: under 2 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { makeRepo } from './generate.bench.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@x',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', SVC_NOW: '2026-01-01T00:00:00Z', NO_COLOR: '1',
};
const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(cmd, args, cwd) {
  const t = performance.now();
  const p = spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t;
  if (p.status !== 0) throw new Error(`${args.join(' ')} failed: ${p.stderr.slice(0, 2000)}`);
  return ms;
}

export async function run(log) {
  const dir = mkdtempSync(join(tmpdir(), 'svc-bench-req-'));
  try {
    makeRepo(dir, log);
    const files = execFileSync('git', ['ls-files', 'inventory'], { cwd: dir, env: ENV, encoding: 'utf8', maxBuffer: 1 << 30 }).split('\n').length - 1;
    log(`inventory: ${files} object files`);
    log(`warm the index (svc list, whole process): ${s(timed(process.execPath, [join(ROOT, 'bin/svc'), 'list', 'LocationCountry', '--format', 'json'], dir))}`);
    const creates = [];
    const stats = [];
    for (let i = 0; i < 3; i++) {
      creates.push(timed(process.execPath, [join(ROOT, 'bin/svc'), 'request', 'create', 'dedicated internet 1000', '--customer', `bench${i}`, '--set', `site=s${i}`, '--set', 'ip_package=small', '--id', `bench-${i}`, '--format', 'json'], dir));
      stats.push(timed('git', ['diff', '--stat', 'main', `request/bench-${i}`], dir));
    }
    log(`svc request create, end to end: median ${s(median(creates))} (runs: ${creates.map(s).join(', ')}; target < 2 s)`);
    log(`git diff --stat of the same change: median ${s(median(stats))}; ratio ${(median(creates) / median(stats)).toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
