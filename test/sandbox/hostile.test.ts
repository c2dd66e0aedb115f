/**
 * The hostile suite (issue 25): generators that each try one thing a generator must never do. Each
 * is refused (at bundle time, or by the sandbox at run time) or stopped at a limit, svc exits 1 with
 * a clear message naming the generator and the target, nothing is written (git status clean, no new
 * ref), and the catalog's own generator runs fine right after. They run through `svc generate
 * --check` (every one) and `svc request create` (those that could hurt most), with a fake HOME that
 * holds a fake SSH key and a secret in the environment: neither may show up anywhere.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, PROJECT_ROOT, svc, tempDir, type RunResult } from '../helpers/repo.js';
import { addSubscriptions, commit, NOW, otterNet } from '../generate/world.js';

const SECRET = 'hunter2-do-not-leak';
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nfake-key-material-for-the-hostile-suite\n-----END OPENSSH PRIVATE KEY-----\n';
const GOOD = readFileSync(join(PROJECT_ROOT, 'generators/dedicated_internet.ts'), 'utf8');
const GENERATOR = 'generators/dedicated_internet.ts';

let repo: string;
let home: string;
let outside: string;
let http: Server;
let tcp: TcpServer;
let port = 0;
let tcpPort = 0;
let hits = 0;

beforeAll(async () => {
  http = createServer((_req, res) => {
    hits++;
    res.end(SECRET);
  });
  tcp = createTcpServer((s) => {
    hits++;
    s.end();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  port = (http.address() as { port: number }).port;
  tcpPort = (tcp.address() as { port: number }).port;
}, 60_000);

/** A fresh catalog (temporary folders go after each test), a fake HOME with a key, a place outside. */
function setUp(): void {
  home = tempDir('svc-fake-home-');
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh/id_rsa'), KEY);
  outside = join(tempDir('svc-outside-'), 'pwned.txt');
  repo = otterNet();
  // Low limits, so that the loop and the hog are stopped soon.
  appendFileSync(join(repo, '.orchestrator.yml'), 'generator_limits:\n  cpu_seconds: 1\n  memory_mb: 64\n');
  addSubscriptions(repo, [{ sid: 'dia-0001' }]);
  commit(repo, 'a subscription, low limits');
}

afterAll(async () => {
  await new Promise((r) => http.close(r));
  await new Promise((r) => tcp.close(r));
});

const env = () => ({ ...NOW, HOME: home, SVC_TEST_SECRET: SECRET });
const refs = () => git(repo, 'for-each-ref', '--format=%(refname) %(objectname)');
const status = () => git(repo, 'status', '--porcelain', '--untracked-files=all');

function install(code: string): void {
  writeFileSync(join(repo, GENERATOR), code);
  commit(repo, 'generator');
}

/** svc refused or stopped the generator: exit 1, its code, who and what, and nothing leaked or written. */
function refused(r: RunResult, code: string, detail: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(code);
  expect(r.stderr).toMatch(detail);
  for (const out of [r.stdout, r.stderr]) {
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('fake-key-material');
    expect(out).not.toMatch(/internal error|    at /);
  }
}

function nothingWritten(before: string): void {
  expect(status()).toBe('');
  expect(refs()).toBe(before);
  expect(existsSync(outside)).toBe(false);
  expect(existsSync(join(repo, '.git/hooks/post-checkout'))).toBe(false);
  expect(hits).toBe(0);
}

/** The catalog's own generator works right after: a dry run generates the subscription. */
function goodStillWorks(): void {
  install(GOOD);
  const r = svc(repo, ['generate', '--dry-run'], { env: env() });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(status()).toBe('');
}

interface Case {
  name: string;
  code: string;
  expect: [string, RegExp];
  /** Also through `svc request create`. */
  request?: boolean;
}

const CASES: Case[] = [
  {
    name: 'reads ~/.ssh/id_rsa',
    code: `import { readFileSync } from 'node:fs';\nimport { homedir } from 'node:os';\nexport default async function generate(sdk: any) { sdk.log.info(readFileSync(homedir() + '/.ssh/id_rsa', 'utf8')); }\n`,
    expect: ['generators/forbidden-import', /generators\/dedicated_internet\.ts:1:\d+: imports node:fs, a Node built-in module/],
    request: true,
  },
  {
    name: 'reads ~/.ssh/id_rsa through a require it finds at run time',
    code: `export default async function generate(sdk: any) { const r = (0, eval)('req' + 'uire'); sdk.log.info(r('fs').readFileSync(r('os').homedir() + '/.ssh/id_rsa', 'utf8')); }\n`,
    expect: ['generators/failed', /generator dedicated_internet failed for target dia-0001 at generators\/dedicated_internet\.ts:1:\d+: require is not defined/],
  },
  {
    name: 'reads an environment variable',
    code: `declare const process: any;\nexport default async function generate(sdk: any) { sdk.log.info(process.env.SVC_TEST_SECRET); }\n`,
    expect: ['generators/failed', /for target dia-0001 at generators\/dedicated_internet\.ts:2:\d+: process is not defined/],
    request: true,
  },
  {
    name: 'reads .git/config',
    code: `import { readFile } from 'fs/promises';\nexport default async function generate(sdk: any) { sdk.log.info(await readFile('.git/config', 'utf8')); }\n`,
    expect: ['generators/forbidden-import', /imports fs\/promises, a Node built-in module/],
  },
  {
    name: 'writes a file outside the catalog',
    code: `import { writeFileSync } from 'fs';\nexport default async function generate() { writeFileSync(${JSON.stringify('OUTSIDE')}, 'x'); }\n`,
    expect: ['generators/forbidden-import', /imports fs, a Node built-in module/],
  },
  {
    name: 'plants .git/hooks/post-checkout',
    code: `export default async function generate() { const fs = await import('node:fs'); fs.writeFileSync('.git/hooks/post-checkout', '#!/bin/sh\\ntouch /tmp/pwned\\n', { mode: 0o755 }); }\n`,
    expect: ['generators/forbidden-import', /imports node:fs, a Node built-in module/],
  },
  {
    name: 'spawns sh',
    code: `import { execSync } from 'child_process';\nexport default async function generate() { execSync('sh -c "id > /tmp/pwned"'); }\n`,
    expect: ['generators/forbidden-import', /imports child_process, a Node built-in module/],
    request: true,
  },
  {
    name: 'opens a socket to 127.0.0.1',
    code: `import { connect } from 'node:net';\nexport default async function generate() { connect(TCP_PORT, '127.0.0.1'); }\n`,
    expect: ['generators/forbidden-import', /imports node:net, a Node built-in module/],
  },
  {
    name: 'fetches a local server',
    code: `export default async function generate(sdk: any) { sdk.log.info(await (await fetch('http://127.0.0.1:HTTP_PORT/')).text()); }\n`,
    expect: ['generators/failed', /dedicated_internet\.ts:1:\d+: fetch is not defined/],
    request: true,
  },
  {
    name: 'loops forever',
    code: `export default async function generate() { for (;;) {} }\n`,
    expect: ['generators/timeout', /generator dedicated_internet failed for target dia-0001 at generators\/dedicated_internet\.ts: stopped: it used more than its 1 s of CPU time/],
    request: true,
  },
  {
    name: 'waits forever on a promise nothing resolves',
    code: `export default async function generate() { await new Promise(() => {}); }\n`,
    expect: ['generators/timeout', /for target dia-0001 .*waited for a promise that nothing resolves/],
  },
  {
    name: 'allocates 4 GB',
    code: `export default async function generate() { const hog: number[][] = []; for (let i = 0; i < 4096; i++) hog.push(new Array(131072).fill(i + 0.5)); return void hog.length; }\n`,
    expect: ['generators/out-of-memory', /for target dia-0001 .*stopped: it reached the memory limit of 64 MB/],
    request: true,
  },
  {
    name: 'pollutes Object.prototype',
    code: `export default async function generate() { (Object.prototype as any).isAdmin = true; }\n`,
    expect: ['generators/polluted', /it changed Object\.prototype\.isAdmin: a generator may not change JavaScript's built-in objects/],
  },
  {
    name: "pollutes svc's objects with a __proto__ key",
    code: `export default async function generate(sdk: any) { await sdk.upsert('IpamVLAN', JSON.parse('{"attributes":{"name":"x","vlan_id":5,"__proto__":{"isAdmin":true}}}')); }\n`,
    expect: ['generators/forbidden-key', /an object key "__proto__" was passed to the sdk/],
  },
  {
    name: 'tampers with the sdk',
    code: `export default async function generate(sdk: any) {\n  sdk.upsert = async () => ({});\n}\n`,
    expect: ['generators/failed', /dedicated_internet\.ts:2:\d+: Cannot assign to read only property 'upsert'/],
  },
  {
    name: 'changes an object the sdk handed out, in place',
    code: `export default async function generate(sdk: any) {\n  const sub = await sdk.get(sdk.target.id);\n  sub.attributes.customer = 'mallory';\n}\n`,
    expect: ['generators/failed', /dedicated_internet\.ts:3:\d+: Cannot assign to read only property 'customer'/],
  },
];

describe('hostile generators are refused or stopped, and svc carries on', () => {
  for (const c of CASES) {
    it(c.name, () => {
      hits = 0;
      setUp();
      const before = refs();
      install(c.code.replace('OUTSIDE', outside).replace('HTTP_PORT', String(port)).replace('TCP_PORT', String(tcpPort)));
      const head = refs();
      refused(svc(repo, ['generate', '--check'], { env: env() }), ...c.expect);
      nothingWritten(head);
      if (c.request) {
        const r = svc(repo, ['request', 'create', 'dedicated internet 1000', '--customer', 'a', '--set', 'site=par02', '--set', 'ip_package=small'], { env: env() });
        refused(r, c.expect[0], /dedicated_internet/);
        nothingWritten(head);
      }
      goodStillWorks();
      expect(refs()).not.toBe(before); // only the test's own commits moved main
    }, 60_000);
  }
});
