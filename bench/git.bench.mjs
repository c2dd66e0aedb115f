// The git adapter: committing to a branch without a work tree, and the shared reservation ledger.
// Builds its repositories in a temp folder; prints figures and ratios, never asserts.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { commitToRef } from '../dist/adapters/git/commit.js';
import { LEDGER_REF } from '../dist/adapters/git/ledger.js';
import { reserveResource } from '../dist/adapters/git/reservations.js';
import { LedgerDraft } from '../dist/core/reservations/draft.js';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
Object.assign(process.env, ENV);

const git = (cwd, args, input) => execFileSync('git', args, { cwd, env: ENV, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;
async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function newRepo(root, name) {
  const dir = join(root, name);
  git(root, ['init', '-q', '-b', 'main', dir]);
  for (const [k, v] of [['gc.auto', '0'], ['maintenance.auto', 'false'], ['core.untrackedCache', 'true']]) git(dir, ['config', k, v]);
  return dir;
}

/** A fast-import stream committing `files` (path → text) to `ref`. */
function fastImport(dir, ref, files, message) {
  const parts = [`commit ${ref}\ncommitter Bench <bench@example.test> 1767225600 +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`];
  for (const [p, t] of files) parts.push(`M 100644 inline ${p}\ndata ${Buffer.byteLength(t)}\n${t}\n`);
  git(dir, ['fast-import', '--quiet'], parts.join(''));
}

const object = (kind, i) =>
  `id: ${kind.toLowerCase()}-${i}\nkind: ${kind}\nname: ${kind.toLowerCase()}-${String(i).padStart(6, '0')}\ndescription: synthetic object ${i}\nstatus: active\nrole: edge\nsite: site-${i % 50}\nvlan: ${1000 + (i % 3000)}\nmtu: 9000\ntags: [a, b]\n`;

/** The textbook plumbing commit, for comparison: its read-tree and write-tree cost follows the repository. */
async function viaTemporaryIndex(dir, root, changes, ref) {
  const env = { ...ENV, GIT_INDEX_FILE: join(root, 'bench-index') };
  const run = (args, input) => execFileSync('git', args, { cwd: dir, env, input, maxBuffer: 1 << 30 }).toString().trim();
  run(['read-tree', 'main']);
  const ids = run(['hash-object', '-w', '--stdin-paths', '--no-filters'], changes.map((c) => {
    const p = join(root, `blob-${c.path.replace(/\//g, '_')}`);
    writeFileSync(p, c.content);
    return p;
  }).join('\n')).split('\n');
  run(['update-index', '-z', '--index-info'], changes.map((c, i) => `100644 ${ids[i]}\t${c.path}\0`).join(''));
  const tree = run(['write-tree']);
  const commit = run(['commit-tree', tree, '-p', 'main', '-m', 'via index']);
  run(['update-ref', ref, commit, '0'.repeat(40)]);
  rmSync(env.GIT_INDEX_FILE, { force: true });
}

async function commitBench(root, log) {
  const kinds = ['Device', 'Interface', 'Site', 'Circuit', 'Vlan', 'Prefix', 'Address', 'Service'];
  const dir = newRepo(root, 'big');
  const files = [];
  for (let i = 0; i < 100_000; i++) {
    const kind = kinds[i % kinds.length];
    files.push([`inventory/${kind}/${kind.toLowerCase()}-${i}.yml`, object(kind, i)]);
  }
  let t = performance.now();
  fastImport(dir, 'refs/heads/main', files, 'inventory of 100,000 objects\n');
  git(dir, ['reset', '-q', '--hard', 'main']);
  log(`setup: 100,000 files committed and checked out in ${ms(performance.now() - t)}`);
  writeFileSync(join(dir, 'inventory/Device/device-0.yml'), 'uncommitted edit\n');

  const statusTimes = [];
  const commitTimes = [];
  const oneFolderTimes = [];
  const indexTimes = [];
  // Alternate the measures, so load from other processes on the machine falls on all alike.
  for (let run = 0; run < 7; run++) {
    statusTimes.push(await time(() => git(dir, ['status', '--porcelain'])));
    // Spread over the 8 kind folders (each of 12,500 files): 8 large trees to rewrite.
    const spread = Array.from({ length: 10 }, (_, j) => ({ path: files[run * 1000 + j * 97][0], content: `changed in run ${run}\n` }));
    commitTimes.push(
      await time(() => commitToRef({ repo: dir, base: 'main', changes: spread, message: `Request r-${run}`, trailers: [['Svc-Request', `r-${run}`]], ref: `refs/heads/request/r-${run}` })),
    );
    const oneFolder = Array.from({ length: 10 }, (_, j) => ({ path: files[(run * 100 + j) * 8][0], content: `changed in run ${run}\n` }));
    oneFolderTimes.push(await time(() => commitToRef({ repo: dir, base: 'main', changes: oneFolder, message: `Request f-${run}`, ref: `refs/heads/request/f-${run}` })));
    indexTimes.push(await time(() => viaTemporaryIndex(dir, root, spread, `refs/heads/request/i-${run}`)));
  }
  const c = median(commitTimes);
  const s = median(statusTimes);
  log(`commit 10 files spread over 8 folders of 12,500 files to a new branch (no work tree, no index): median ${ms(c)} (target well under 1 s)`);
  log(`  the same, 10 files in one kind folder (one large tree to rewrite):    median ${ms(median(oneFolderTimes))}`);
  log(`  the same 10 spread files through a temporary index (read-tree of the whole base, update-index, write-tree): median ${ms(median(indexTimes))}`);
  log(`git status --porcelain on the same repo:                                median ${ms(s)}`);
  log(`ratio commit / status: ${(c / s).toFixed(2)}`);
}

const vlanChoose = (used) =>
  used.firstFree((function* () {
    for (let v = 1; v < 4_000_000; v++) yield String(v);
  })());

async function reserveRate(root, log) {
  const dir = newRepo(root, 'ledger-rate');
  const n = 60;
  const t = await time(async () => {
    for (let i = 0; i < n; i++) await reserveResource({ repo: dir, remote: null }, { pool: 'vlan', key: `k${i}`, holder: 'request/bench' }, vlanChoose);
  });
  log(`ledger, one process: ${n} reservations in ${ms(t)} = ${((n * 1000) / t).toFixed(0)} reservations/s (${ms(t / n)} each)`);

  const worker = join(root, 'worker.mjs');
  writeFileSync(
    worker,
    `import { reserveResource } from ${JSON.stringify(new URL('../dist/adapters/git/reservations.js', import.meta.url).href)};
const [repo, holder, count] = process.argv.slice(2);
const choose = (used) => used.firstFree((function* () { for (let v = 1; v < 4000000; v++) yield String(v); })());
let attempts = 0;
for (let i = 0; i < Number(count); i++) attempts += (await reserveResource({ repo, remote: null }, { pool: 'vlan', key: holder + '#' + i, holder }, choose)).attempts;
process.stdout.write(String(attempts));
`,
  );
  // Competing processes take turns (a lock per repository) instead of racing the ref: attempts per
  // reservation stay at 1, where racing took several, each a plan, new objects and a failed swap.
  for (const [workers, per] of [[4, 25], [20, 5]]) {
    const dir = newRepo(root, `ledger-${workers}`);
    let attempts = 0;
    const t = await time(() =>
      Promise.all(
        Array.from(
          { length: workers },
          (_, w) =>
            new Promise((resolve) => {
              const p = spawn(process.execPath, [worker, dir, `request/w${w}`, String(per)], { env: ENV });
              let out = '';
              p.stdout.on('data', (b) => (out += b));
              p.on('close', () => resolve((attempts += Number(out) || 0)));
            }),
        ),
      ),
    );
    const total = workers * per;
    const distinct = new Set(git(dir, ['log', '--format=%b', LEDGER_REF]).match(/"resource":"\d+"/g)).size;
    log(`ledger, ${workers} competing processes: ${total} reservations in ${ms(t)} = ${((total * 1000) / t).toFixed(0)} reservations/s; ${(attempts / total).toFixed(2)} attempts per reservation; ${distinct} distinct resources`);
  }
}

/** A ledger holding `n` reservations, written in one go with the same layout the ledger uses. */
async function seedLedger(dir, n) {
  const files = new Map();
  const draft = new LedgerDraft({ read: async (p) => files.get(p), list: async () => [] });
  for (let i = 0; i < n; i++) {
    await draft.put({ pool: `pool-${i % 100}`, key: `sub-${i}`, resource: String(i), holder: `request/r-${Math.floor(i / 4)}`, state: i % 2 ? 'permanent' : 'held', created: '2026-01-01T00:00:00.000Z' });
  }
  const out = [...draft.edits()].filter(([, t]) => t !== null);
  fastImport(dir, LEDGER_REF, out, `seed ${n} reservations\n`);
  return out.length;
}

async function growthBench(root, log) {
  const sizes = [100, 100_000];
  const dirs = {};
  for (const n of sizes) {
    dirs[n] = newRepo(root, `ledger-${n}`);
    const t0 = performance.now();
    const nfiles = await seedLedger(dirs[n], n);
    log(`seeded a ledger of ${n.toLocaleString('en')} reservations (${nfiles.toLocaleString('en')} shard files) in ${ms(performance.now() - t0)}`);
  }
  const times = { 100: [], 100000: [] };
  let i = 0;
  const one = (n) =>
    // The same one-candidate allocation on both: the ledger size is the only variable.
    time(() => reserveResource({ repo: dirs[n], remote: null }, { pool: 'pool-7', key: `new-${i}`, holder: 'request/new' }, (used) => used.firstFree([`x${i++}`])));
  for (const n of sizes) for (let w = 0; w < 2; w++) await one(n); // warm the page cache
  // Alternate, so load from other processes on the machine falls on both sizes alike.
  for (let round = 0; round < 15; round++) for (const n of sizes) times[n].push(await one(n));
  for (const n of sizes) log(`ledger holding ${n.toLocaleString('en')} reservations: one reservation median ${ms(median(times[n]))}`);
  log(`ratio 100,000 / 100 entries: ${(median(times[100_000]) / median(times[100])).toFixed(2)} (1.00 = independent of the ledger size)`);
}

export async function run(log) {
  const root = mkdtempSync(join(tmpdir(), 'svc-bench-git-'));
  try {
    log(`git ${spawnSync('git', ['--version']).stdout.toString().trim().replace('git version ', '')}, node ${process.version}`);
    await commitBench(root, log);
    await reserveRate(root, log);
    await growthBench(root, log);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
