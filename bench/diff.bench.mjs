// `svc diff` of a branch that changes 10,000 of 100,000 inventory objects (8,000 edited, 1,000 added,
// 1,000 removed), as a whole process, next to `git diff --stat` of the same two commits. The cost
// should follow the change, not the inventory. Target (issue 6): the diff under 2 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { makeRepo } from './inventory.bench.mjs';
import { objectId, objectPath } from '../dist/core/inventory/paths.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@x', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 1 << 30 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(3)} s`;

/** 10,000 changes on a branch: every 10th file edited (8,000), 1,000 removed, 1,000 new VLANs. */
function makeBranch(dir, files) {
  git(dir, 'switch', '-q', '-c', 'branch');
  let edited = 0;
  let removed = 0;
  for (let i = 0; i < files.length && edited + removed < 9000; i += 10) {
    if (removed < 1000 && i % 90 === 0) {
      unlinkSync(files[i]);
      removed++;
      continue;
    }
    const obj = JSON.parse(readFileSync(files[i], 'utf8'));
    obj.comment = `changed on the branch (${i})`;
    obj.weight = (obj.weight ?? 0) + 1;
    writeFileSync(files[i], `${JSON.stringify(obj, null, 2)}\n`);
    edited++;
  }
  for (let i = 0; i < 1000; i++) {
    const name = `newvlan${i}`;
    const id = objectId('BenchVlan', [name]);
    const abs = join(dir, 'inventory', objectPath('BenchVlan', id, [name]));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, `${JSON.stringify({ id, name, description: 'added on the branch', role: 'edge' }, null, 2)}\n`);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'ten thousand changes');
  git(dir, 'switch', '-q', 'main');
  return { edited, removed, added: 1000 };
}

function time(label, cmd, args, cwd, runs = 3) {
  const times = [];
  let out = '';
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const p = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: ENV });
    times.push(performance.now() - t);
    if (p.status !== 0) throw new Error(`${label} failed: ${p.stderr}`);
    out = p.stdout;
  }
  return { ms: median(times), out };
}

export async function run(log) {
  const dir = mkdtempSync(join(tmpdir(), 'svc-bench-diff-'));
  try {
    const files = makeRepo(dir, log);
    const t0 = performance.now();
    const made = makeBranch(dir, files);
    log(`branch: ${made.edited} edited, ${made.added} added, ${made.removed} removed, committed in ${s(performance.now() - t0)}`);

    const svcBin = join(ROOT, 'bin/svc');
    // Freshly written objects are loose files: reading 18,000 of them costs more than reading a
    // pack. A clone, or any repository after git gc, holds packs: measure both.
    const loose = time('svc diff (loose objects)', process.execPath, [svcBin, 'diff', 'main', 'branch', '--format', 'json'], dir);
    const looseStat = time('git diff --stat (loose objects)', 'git', ['diff', '--stat', 'main', 'branch'], dir);
    const t1 = performance.now();
    git(dir, 'repack', '-adq');
    log(`git repack -ad (setup, not measured below): ${s(performance.now() - t1)}`);
    log(`loose objects: svc diff --format json ${s(loose.ms)}, git diff --stat ${s(looseStat.ms)}`);

    const stat = time('git diff --stat', 'git', ['diff', '--stat', 'main', 'branch'], dir);
    const json = time('svc diff --format json', process.execPath, [svcBin, 'diff', 'main', 'branch', '--format', 'json'], dir);
    const text = time('svc diff', process.execPath, [svcBin, 'diff', 'main', 'branch'], dir);
    const md = time('svc diff --format markdown', process.execPath, [svcBin, 'diff', 'main', 'branch', '--format', 'markdown', '--max-length', '65536'], dir);
    const small = time('svc diff (no change)', process.execPath, [svcBin, 'diff', 'main', 'main'], dir);

    const summary = JSON.parse(json.out).summary;
    log(`svc diff reports: ${summary.added} added, ${summary.changed} changed, ${summary.removed} removed`);
    log('packed (as after a clone or git gc):');
    log(`git diff --stat main branch:                 ${s(stat.ms)}`);
    log(`svc diff main branch --format json:          ${s(json.ms)}  (${(json.ms / stat.ms).toFixed(1)}x git diff --stat; target < 2 s)`);
    log(`svc diff main branch (text):                 ${s(text.ms)}  output ${Math.round(text.out.length / 1024)} KB`);
    log(`svc diff --format markdown --max-length 65536: ${s(md.ms)}  output ${md.out.length} chars`);
    log(`svc diff main main (nothing changed: the fixed cost): ${s(small.ms)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
