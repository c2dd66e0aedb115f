import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { git, otterNetRepo, PROJECT_ROOT, svc, tempDir, writeTree, type FileTree, type RunResult } from '../helpers/repo.js';

/** The fixed clock every generation in these tests runs with. */
export const NOW = { SVC_NOW: '2026-01-01T00:00:00Z' };

let template: string | undefined;
afterAll(() => {
  if (template) rmSync(template, { recursive: true, force: true });
  template = undefined;
});

/**
 * The Otter-net catalog with its bootstrap loaded and its artifacts rendered, committed. Loading takes a while, so it is
 * done once per test file and each test gets its own copy (work tree, .git and the .svc index).
 */
export function otterNet(): string {
  if (!template) {
    const repo = otterNetRepo();
    const files: FileTree = {};
    for (const f of readdirSync(join(PROJECT_ROOT, 'bootstrap'))) files[`bootstrap/${f}`] = readFileSync(join(PROJECT_ROOT, 'bootstrap', f), 'utf8');
    writeTree(repo, files);
    const load = svc(repo, ['load', 'bootstrap']);
    expect(load.stderr).toBe('');
    expect(load.code).toBe(0);
    // The artifacts rendered and committed too, as on a real branch: `generate --check` also
    // fails on stale or missing artifact files.
    const render = svc(repo, ['render']);
    expect(render.stderr).toBe('');
    expect(render.code).toBe(0);
    commit(repo, 'bootstrap loaded');
    template = mkdtempSync(join(tmpdir(), 'svc-gen-template-'));
    cpSync(repo, template, { recursive: true });
  }
  const copy = tempDir('svc-gen-');
  cpSync(template, copy, { recursive: true });
  return copy;
}

export function commit(repo: string, message: string): void {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', message);
}

const hex16 = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 16);

export interface SubscriptionSpec {
  sid: string;
  site?: string;
  ipPackage?: 'small' | 'medium' | 'large';
  bandwidth?: number;
  status?: string;
}

/** The two files of a Dedicated Internet subscription, written by hand until `svc request create` exists. */
export function subscriptionFiles(spec: SubscriptionSpec): FileTree {
  const id = subscriptionId(spec.sid);
  const block = blockId(spec.sid);
  const bandwidth = spec.bandwidth ?? 1000;
  const sub = {
    id,
    subscription_id: spec.sid,
    product: `dedicated internet ${bandwidth}`,
    customer: 'acme',
    status: spec.status ?? 'provisioning',
    insync: true,
    version: 1,
    bandwidth,
    dedicated_internet: { id: block },
  };
  const blk = { id: block, ip_package: spec.ipPackage ?? 'small', site: spec.site ?? 'par01', subscription: { kind: 'ProductDedicatedInternet', hfid: spec.sid } };
  return {
    [subscriptionPath(spec.sid)]: `${JSON.stringify(sub, null, 2)}\n`,
    [blockPath(spec.sid)]: `${JSON.stringify(blk, null, 2)}\n`,
  };
}

export const subscriptionId = (sid: string) => hex16(`subscription ${sid}`);
export const blockId = (sid: string) => hex16(`block ${sid}`);
export const subscriptionPath = (sid: string) => `inventory/ProductDedicatedInternet/${sid}.json`;
export const blockPath = (sid: string) => `inventory/BlockDedicatedInternet/${blockId(sid)}.json`;

export function addSubscriptions(repo: string, specs: SubscriptionSpec[]): void {
  for (const s of specs) writeTree(repo, subscriptionFiles(s));
}

/** Rewrite one JSON file of the work tree. */
export function editJson(repo: string, rel: string, edit: (o: Record<string, unknown>) => void): void {
  const p = join(repo, rel);
  const o = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  edit(o);
  writeFileSync(p, `${JSON.stringify(o, null, 2)}\n`);
}

/** Every file under inventory/, path → bytes as text, in path order. */
export function inventoryTree(repo: string): Record<string, string> {
  const root = join(repo, 'inventory');
  const out: Record<string, string> = {};
  const entries = readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const full of entries) out[full.slice(repo.length + 1)] = readFileSync(full, 'utf8');
  return out;
}

/** The inventory plus `git status`: what "nothing changed" is compared on. */
export function snapshot(repo: string): { tree: Record<string, string>; status: string } {
  return { tree: inventoryTree(repo), status: git(repo, 'status', '--porcelain', '--untracked-files=all') };
}

export function generate(repo: string, ...args: string[]): RunResult {
  return svc(repo, ['generate', ...args], { env: NOW });
}

export interface GenerateJson {
  applied: boolean;
  upToDate: boolean;
  targets: { generator: string | null; target: string; label: string; outcome: string; lifecycle?: { from: string; to: string }; pending?: string; logs: { level: string; message: string }[] }[];
  files: { written: string[]; deleted: string[] };
  /** Targets skipped because their remembered run still holds. */
  reused: number;
}

/** `svc generate --format json`, expected to succeed. */
export function generateJson(repo: string, ...args: string[]): GenerateJson {
  const r = generate(repo, ...args, '--format', 'json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as GenerateJson;
}

/** Files of one kind folder (relative to the repo), sorted. */
export function filesOf(repo: string, kind: string): string[] {
  return Object.keys(inventoryTree(repo)).filter((p) => p.startsWith(`inventory/${kind}/`));
}

export function readJson(repo: string, rel: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(repo, rel), 'utf8')) as Record<string, unknown>;
}

/** Kinds only generation creates (the bootstrap has none of them; it does have prefixes and L3 interfaces). */
export const GENERATED_KINDS = ['IpamVLAN', 'IpamIPAddress', 'ServiceDedicatedInternet', 'SvcGeneratorRun'] as const;

/** The attributes of the service object of `sid`: VLAN, prefix, port, as the generator left them. */
export function implementation(repo: string, sid: string): { vlan: number; prefix: string; gateway: string; port: string } {
  const block = readJson(repo, blockPath(sid));
  // The file stores the port by its human-friendly id: [device, interface name].
  const port = block.customer_port;
  return {
    vlan: block.vlan as number,
    prefix: block.prefix as string,
    gateway: block.gateway_address as string,
    port: Array.isArray(port) ? port.join('/') : JSON.stringify(port),
  };
}
