#!/usr/bin/env node
// `npm run torture [-- --quick]`: svc's two promises (parallel requests never collide; every command
// happens whole or not at all) tried under load, on the Otter-net demo catalog, with real git, real
// processes and a real HTTP remote. Not part of `npm test`: it takes minutes and loads the machine.
//
//   1. rounds of concurrent `svc request create` with mixed ip packages at few sites, in one clone;
//   2. three clones of a bare remote (plain `git clone --bare`) served over HTTP on 127.0.0.1 by
//      git's own `git http-backend`, each making concurrent requests with --push;
//   3. SIGKILLs at random moments of request create, a load of 20,000 objects and generate, each
//      followed by the next svc command, after which the catalog is checked.
//
// It prints the counts and exits 1 when any but the first is not 0. It measures; it fixes nothing.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SVC = join(ROOT, 'bin/svc');
const QUICK = process.argv.includes('--quick');
const KEEP = process.argv.includes('--keep');
const CFG = QUICK
  ? { rounds: 1, perRound: 8, clones: 3, perClone: 2, kills: 12, loadObjects: 20000 }
  : { rounds: 3, perRound: 20, clones: 3, perClone: 5, kills: 100, loadObjects: 20000 };
const SITES = ['par01', 'fra01'];
// The kill phase makes many requests in one clone: every site's ports, so none runs out.
const ALL_SITES = ['par01', 'par02', 'lys01', 'fra01', 'bru01'];
const PACKAGES = ['small', 'medium', 'large'];
const ENV = {
  ...process.env,
  NO_COLOR: '1',
  LANG: 'C',
  GIT_AUTHOR_NAME: 'Torture',
  GIT_AUTHOR_EMAIL: 'torture@example.test',
  GIT_COMMITTER_NAME: 'Torture',
  GIT_COMMITTER_EMAIL: 'torture@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};
delete ENV.CI;

const work = mkdtempSync(join(tmpdir(), 'svc-torture-'));
const log = (s) => process.stderr.write(`[torture] ${s}\n`);
const counts = {
  'requests ok': 0,
  'requests failed': 0,
  'exact duplicates': 0,
  'overlapping prefix pairs': 0,
  'doubly held resources after merging every branch': 0,
  'merge conflicts in the inventory': 0,
  'artifact conflicts (rendered again on merge)': 0,
  'half-applied loads': 0,
  'leftover temp files': 0,
  'orphaned reservations after the next command': 0,
};
// Counts that must be 0. Not among them: requests ok, and artifact conflicts: requests at one site
// re-render the same device configurations, so the second of two merged conflicts there, and only
// there; its artifacts are rendered again from the merged inventory (as `svc request rebase` does).
const MUST_BE_ZERO = ['exact duplicates', 'overlapping prefix pairs', 'doubly held resources after merging every branch', 'merge conflicts in the inventory', 'half-applied loads', 'leftover temp files', 'orphaned reservations after the next command'];

function git(cwd, ...args) {
  const r = spawnSync('git', args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} (in ${cwd}): ${r.stderr}`);
  return r.stdout;
}
const gitTry = (cwd, ...args) => spawnSync('git', args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 1 << 28 });
const svcSync = (cwd, args) => spawnSync(process.execPath, [SVC, ...args], { cwd, env: ENV, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600_000 });

/** Any program, without blocking this process (the HTTP remote is served from it). */
function run(cmd, args, cwd) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('exit', (code) => res({ code, stderr }));
  });
}

/** svc as a child process: its exit code and output; `kill(ms)` sends SIGKILL after ms. */
function svcAsync(cwd, args, killAfterMs) {
  return new Promise((res) => {
    const child = spawn(process.execPath, [SVC, ...args], { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      res({ code, signal, stdout, stderr });
    });
  });
}

/** A failed svc's reason: the JSON error document's code and message (--format json), else its last lines. */
function why(r) {
  try {
    const { error } = JSON.parse(r.stderr);
    return `${error.code}: ${error.message}`;
  } catch {
    return r.stderr.trim().split('\n').slice(-2).join(' | ');
  }
}

// ---- the demo catalog ----------------------------------------------------------------------------
function demoCatalog() {
  const dir = join(work, 'origin');
  // Every folder the example's .orchestrator.yml names: its check runs in every request.
  for (const d of ['schemas', 'products', 'generators', 'bootstrap', 'checks', 'queries', 'templates']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  cpSync(join(ROOT, '.orchestrator.yml'), join(dir, '.orchestrator.yml'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  const load = svcSync(dir, ['load', 'bootstrap']);
  if (load.status !== 0) throw new Error(`bootstrap load failed: ${load.stderr}`);
  writeFileSync(join(dir, '.gitignore'), '.svc/\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Otter-net with its bootstrap data');
  return dir;
}

function copyCatalog(from, name) {
  const dir = join(work, name);
  git(work, 'clone', '-q', from, dir);
  git(dir, 'config', 'gc.auto', '0');
  return dir;
}

// ---- what the branches hold ----------------------------------------------------------------------
/** Resources a branch adds or takes compared with `base`: prefixes, addresses, VLAN ids, ports. */
function heldBy(repo, base, branch) {
  const out = [];
  const changed = git(repo, 'diff', '--no-renames', '--name-status', `${base}...${branch}`, '--', 'inventory').trim().split('\n').filter(Boolean);
  for (const line of changed) {
    const [status, path] = line.split('\t');
    if (status === 'D') continue;
    let obj;
    try {
      obj = JSON.parse(git(repo, 'show', `${branch}:${path}`));
    } catch {
      continue;
    }
    const kind = path.split('/')[1];
    if (kind === 'IpamPrefix' && typeof obj.prefix === 'string') out.push({ type: 'prefix', value: obj.prefix });
    else if (kind === 'IpamIPAddress' && typeof obj.address === 'string') out.push({ type: 'address', value: obj.address.split('/')[0] });
    else if (kind === 'IpamVLAN' && obj.vlan_id !== undefined) out.push({ type: 'vlan', value: String(obj.vlan_id) });
    else if (kind === 'DcimInterfaceL2' && status === 'M') out.push({ type: 'port', value: path });
  }
  return out;
}

/** A CIDR as [first, last] BigInt addresses, with its family. */
function range(cidr) {
  const [addr, lenText] = cidr.split('/');
  const v6 = addr.includes(':');
  const bits = v6 ? 128 : 32;
  const len = Number(lenText ?? bits);
  let n = 0n;
  if (v6) {
    const [head, tail = ''] = addr.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = addr.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    for (const g of groups) n = (n << 16n) | BigInt(parseInt(g || '0', 16));
  } else {
    for (const o of addr.split('.')) n = (n << 8n) | BigInt(Number(o));
  }
  const size = 1n << BigInt(bits - len);
  const first = (n / size) * size;
  return { v6, first, last: first + size - 1n };
}

/** Exact duplicates (one resource on two branches) and overlapping prefix pairs (one contains the other, not equal). */
function collisions(perBranch) {
  let duplicates = 0;
  let overlaps = 0;
  const seen = new Map();
  for (const [branch, list] of perBranch) {
    for (const r of list) {
      const k = `${r.type}:${r.value}`;
      const owners = seen.get(k) ?? new Set();
      owners.add(branch);
      seen.set(k, owners);
    }
  }
  const shown = [];
  for (const [k, owners] of seen) {
    if (owners.size < 2) continue;
    duplicates += owners.size - 1;
    shown.push(`${k} on ${[...owners].join(', ')}`);
  }
  if (shown.length) log(`  duplicates: ${shown.slice(0, 4).join('; ')}${shown.length > 4 ? '; ...' : ''}`);
  const prefixes = [...perBranch].flatMap(([branch, list]) => list.filter((r) => r.type === 'prefix').map((r) => ({ branch, cidr: r.value, ...range(r.value) })));
  // Sorted by start: a prefix can only contain those that start within it (intervals nest or are disjoint).
  prefixes.sort((a, b) => (a.v6 !== b.v6 ? (a.v6 ? 1 : -1) : a.first < b.first ? -1 : a.first > b.first ? 1 : a.last > b.last ? -1 : 1));
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length && prefixes[j].v6 === prefixes[i].v6 && prefixes[j].first <= prefixes[i].last; j++) {
      const a = prefixes[i];
      const b = prefixes[j];
      if (a.branch !== b.branch && a.cidr !== b.cidr) overlaps++;
    }
  }
  return { duplicates, overlaps };
}

/** Merge every branch into a scratch copy of `base`; conflicts counted; then `svc validate`'s held-twice findings. */
function mergeAll(repo, base, branches) {
  const dir = join(work, `merge-${Math.random().toString(36).slice(2, 8)}`);
  git(work, 'clone', '-q', '--no-checkout', repo, dir);
  git(dir, 'checkout', '-q', '-b', 'all', `origin/${base}`);
  let conflicts = 0;
  let artifacts = 0;
  for (const b of branches) {
    const r = gitTry(dir, 'merge', '-q', '--no-ff', '--no-edit', '-m', `merge ${b}`, `origin/${b}`);
    if (r.status === 0) continue;
    const conflicted = gitTry(dir, 'diff', '--name-only', '--diff-filter=U').stdout.trim().split('\n').filter(Boolean);
    if (conflicted.length && conflicted.every((p) => p.startsWith('artifacts/'))) {
      artifacts++;
      gitTry(dir, 'checkout', '--theirs', '--', ...conflicted);
      const rendered = svcSync(dir, ['render']);
      gitTry(dir, 'add', '-A', '--', 'artifacts');
      if (rendered.status === 0 && gitTry(dir, 'commit', '-q', '--no-edit').status === 0) continue;
    }
    conflicts++;
    if (conflicts === 1) log(`merging ${b}: ${(r.stdout + r.stderr).trim().split('\n').slice(0, 4).join(' | ')}`);
    gitTry(dir, 'merge', '--abort');
  }
  const v = svcSync(dir, ['validate', '--format', 'json']);
  let held = 0;
  try {
    for (const d of JSON.parse(v.stdout).diagnostics) if (/held-twice|overlap/.test(d.code)) held++;
  } catch {
    log(`validate after merging gave no JSON: ${v.stderr.slice(0, 300)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  return { conflicts, artifacts, held };
}

function requestArgs(i, extra = [], sites = SITES) {
  return ['request', 'create', 'dedicated internet 1000', '--customer', `customer-${i}`, '--set', `site=${sites[i % sites.length]}`, '--set', `ip_package=${PACKAGES[i % PACKAGES.length]}`, '--format', 'json', ...extra];
}

function measure(label, repo, base, branches) {
  const per = new Map(branches.map((b) => [b, heldBy(repo, base, b)]));
  const c = collisions(per);
  const m = mergeAll(repo, base, branches);
  log(`${label}: ${branches.length} branches, ${c.duplicates} exact duplicates, ${c.overlaps} overlapping prefix pairs, ${m.conflicts} merge conflicts in the inventory, ${m.artifacts} in artifacts only, ${m.held} held twice after merging`);
  counts['exact duplicates'] += c.duplicates;
  counts['overlapping prefix pairs'] += c.overlaps;
  counts['merge conflicts in the inventory'] += m.conflicts;
  counts['artifact conflicts (rendered again on merge)'] += m.artifacts;
  counts['doubly held resources after merging every branch'] += m.held;
}

// ---- 1. concurrent requests in one clone ---------------------------------------------------------
async function concurrentRounds(origin) {
  for (let round = 1; round <= CFG.rounds; round++) {
    const dir = copyCatalog(origin, `round-${round}`);
    const results = await Promise.all(Array.from({ length: CFG.perRound }, (_, i) => svcAsync(dir, requestArgs(i))));
    const branches = [];
    for (const r of results) {
      if (r.code === 0) {
        counts['requests ok']++;
        branches.push(JSON.parse(r.stdout).branch);
      } else {
        counts['requests failed']++;
        log(`round ${round}: a request failed: ${why(r)}`);
      }
    }
    measure(`round ${round}`, dir, 'main', branches);
  }
}

// ---- 2. a bare remote over HTTP (git http-backend as CGI) ----------------------------------------
/** A loopback-only HTTP server running `git http-backend` for each request; closed by the caller. */
function httpRemote(projectRoot) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const env = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_USER: 'torture',
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    };
    const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    // Bounded: a backend that hangs is ended.
    const timer = setTimeout(() => cgi.kill('SIGKILL'), 120_000);
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let started = false;
    cgi.stdout.on('data', (chunk) => {
      if (started) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      started = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const c = line.indexOf(':');
        const k = line.slice(0, c).trim();
        const v = line.slice(c + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else res.setHeader(k, v);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => {
      clearTimeout(timer);
      if (!started) res.writeHead(502);
      res.end();
    });
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res({ server, port: server.address().port })));
}

async function overHttp(origin) {
  const served = join(work, 'served');
  git(work, 'clone', '-q', '--bare', origin, join(served, 'otter.git'));
  git(join(served, 'otter.git'), 'config', 'http.receivepack', 'true');
  const { server, port } = await httpRemote(served);
  try {
    const url = `http://127.0.0.1:${port}/otter.git`;
    // The server runs in this process: git is started without blocking it (no spawnSync while it serves).
    const clones = await Promise.all(Array.from({ length: CFG.clones }, async (_, c) => {
      const dir = join(work, `clone-${c}`);
      const r = await run('git', ['clone', '-q', url, dir], work);
      if (r.code !== 0) throw new Error(`git clone ${url}: ${r.stderr}`);
      return dir;
    }));
    let n = 1000;
    const jobs = clones.flatMap((dir) => Array.from({ length: CFG.perClone }, () => svcAsync(dir, requestArgs(n++, ['--push']))));
    const results = await Promise.all(jobs);
    for (const r of results) {
      if (r.code === 0) counts['requests ok']++;
      else {
        counts['requests failed']++;
        log(`over http: a request failed: ${why(r)}`);
      }
    }
    server.close();
    const bare = join(served, 'otter.git');
    const branches = git(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/request/').trim().split('\n').filter(Boolean);
    measure('over http', bare, 'main', branches);
  } finally {
    server.close();
    server.closeAllConnections?.();
  }
}

// ---- 3. SIGKILL at random moments ----------------------------------------------------------------
const TEMP = /\.tmp$|\.tmp-|~tmp|\.lock$/;

/** Files svc leaves while writing (temp copies, locks), anywhere in the work tree and .svc, not .git. */
function tempFiles(dir) {
  const out = [];
  for (const top of ['inventory', '.svc']) {
    const base = join(dir, top);
    if (!existsSync(base)) continue;
    for (const e of readdirSync(base, { recursive: true, withFileTypes: true })) if (e.isFile() && TEMP.test(e.name)) out.push(join(e.parentPath, e.name));
  }
  return out;
}

/** Holders in the ledger (refs/svc/reservations, h/ files) whose request branch does not exist. */
function orphans(dir) {
  const r = gitTry(dir, 'ls-tree', '-r', '--name-only', 'refs/svc/reservations', '--', 'h');
  if (r.status !== 0) return 0;
  let n = 0;
  for (const p of r.stdout.trim().split('\n').filter(Boolean)) {
    const holder = decodeURIComponent(p.slice(p.lastIndexOf('/') + 1).replace(/%(?![0-9A-F]{2})/g, '%25'));
    if (!holder.startsWith('request/')) continue;
    if (gitTry(dir, 'rev-parse', '-q', '--verify', `refs/heads/${holder}`).status !== 0) n++;
  }
  return n;
}

function bigLoadFile(dir, n) {
  const lines = ['apiVersion: infrahub.app/v1', 'kind: Object', 'spec:', '  kind: IpamL2Domain', '  data:'];
  for (let i = 0; i < n; i++) lines.push(`    - name: torture-${String(i).padStart(5, '0')}`);
  const file = join(dir, 'torture-load.yml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const loadedCount = (dir) => {
  const d = join(dir, 'inventory/IpamL2Domain');
  return existsSync(d) ? readdirSync(d).filter((f) => f.startsWith('torture-') && f.endsWith('.json')).length : 0;
};

async function kills(origin) {
  const dir = copyCatalog(origin, 'kills');
  // No remote: the ledger holds this clone's reservations only, so a holder without a branch is one
  // a kill left (the rounds' clones share theirs through origin, for branches only they have).
  git(dir, 'remote', 'remove', 'origin');
  const file = bigLoadFile(work, CFG.loadObjects);
  // A few subscriptions merged, so that generate has targets to run.
  for (let i = 0; i < 3; i++) {
    const r = svcSync(dir, requestArgs(500 + i, [], ALL_SITES));
    if (r.status === 0) git(dir, 'merge', '-q', '--no-ff', '-m', 'merge', JSON.parse(r.stdout).branch);
  }
  // How long each takes unkilled: the kills are spread over that.
  const timed = async (args) => {
    const t = Date.now();
    const r = await svcAsync(dir, args);
    return { ms: Date.now() - t, r };
  };
  const reset = () => {
    gitTry(dir, 'checkout', '-q', '--', 'inventory');
    gitTry(dir, 'clean', '-fdq', '--', 'inventory');
  };
  const loadT = await timed(['load', file]);
  reset();
  const genT = await timed(['generate', '--no-cache']);
  reset();
  const reqT = await timed(requestArgs(600, [], ALL_SITES));
  log(`unkilled: load ${loadT.ms} ms (exit ${loadT.r.code}), generate ${genT.ms} ms (exit ${genT.r.code}), request ${reqT.ms} ms (exit ${reqT.r.code})`);
  const commands = [
    { name: 'request', args: (k) => requestArgs(700 + k, [], ALL_SITES), ms: reqT.ms },
    { name: 'load', args: () => ['load', file], ms: loadT.ms },
    { name: 'generate', args: () => ['generate', '--no-cache'], ms: genT.ms },
  ];
  for (let k = 0; k < CFG.kills; k++) {
    const c = commands[k % commands.length];
    const at = Math.floor(Math.random() * c.ms);
    const r = await svcAsync(dir, c.args(k), at);
    // The next command: whatever svc does to recover, it does here. After a killed request that is the
    // next command that touches the ledger (svc pools gc here; a request does the same): read-only
    // commands such as `svc request list` release nothing.
    svcSync(dir, c.name === 'request' ? ['pools', 'gc', '--format', 'json'] : ['request', 'list', '--format', 'json']);
    const left = tempFiles(dir);
    if (left.length) log(`kill ${k} (${c.name} at ${at} ms): ${left.length} temp files left, e.g. ${left[0]}`);
    counts['leftover temp files'] += left.length;
    if (c.name === 'load') {
      const n = loadedCount(dir);
      if (n !== 0 && n !== CFG.loadObjects) {
        counts['half-applied loads']++;
        log(`kill ${k} (load at ${at} ms, ${r.signal ?? `exit ${r.code}`}): ${n} of ${CFG.loadObjects} objects loaded`);
      }
    }
    const o = orphans(dir);
    if (c.name === 'request' && o) log(`kill ${k} (request at ${at} ms): ${o} holders without a branch`);
    counts['orphaned reservations after the next command'] = o;
    reset();
  }
}

// ---- run ---------------------------------------------------------------------------------------
const started = Date.now();
try {
  log(`${QUICK ? 'quick' : 'full'} run in ${work}: ${JSON.stringify(CFG)}`);
  const origin = demoCatalog();
  await concurrentRounds(origin);
  await overHttp(origin);
  await kills(origin);
} catch (e) {
  log(`the run itself failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 2;
} finally {
  if (!KEEP) rmSync(work, { recursive: true, force: true });
}
const width = Math.max(...Object.keys(counts).map((k) => k.length));
process.stdout.write(`svc torture (${QUICK ? 'quick' : 'full'}, ${Math.round((Date.now() - started) / 1000)} s)\n`);
for (const [k, v] of Object.entries(counts)) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
const bad = MUST_BE_ZERO.filter((k) => counts[k] !== 0);
if (bad.length) {
  process.stdout.write(`NOT OK: ${bad.join(', ')}\n`);
  process.exitCode ||= 1;
} else if (!process.exitCode) process.stdout.write('OK\n');
