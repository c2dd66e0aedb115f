import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SVC_BIN, TEST_ENV } from '../helpers/repo.js';

/**
 * Run bin/svc with the fault-injection hook (src/adapters/kill-point.ts): `spec` is
 * `<step>:<n>`. Returns the signal that ended it (SIGKILL when the step was reached) and its code.
 */
export function svcKilledAt(cwd: string, args: string[], spec: string, env: NodeJS.ProcessEnv = {}): { signal: string | null; code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [SVC_BIN, ...args], { cwd, env: { ...TEST_ENV, ...env, SVC_TEST_KILL_AT: spec }, encoding: 'utf8', input: '' });
  return { signal: r.signal, code: r.status, stderr: r.stderr };
}

/** Every file under `dir` but .git and .svc (path → content), to compare a catalog before, after and after a kill. */
export function catalogFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = join(e.parentPath, e.name).slice(dir.length + 1);
    if (rel.startsWith('.git/') || rel.startsWith('.svc/')) continue;
    out[rel] = readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

/** Temporary files svc (this version or an older one) may leave: `*.tmp` anywhere but .git, and staged transactions. */
export function leftovers(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const rel = join(e.parentPath, e.name).slice(dir.length + 1);
    if (rel.startsWith('.git/')) continue;
    if (e.isFile() && /\.tmp$/.test(e.name)) out.push(rel);
    if (rel.startsWith('.svc/txn/')) out.push(rel);
  }
  return out.sort();
}

/** Where to kill a command whose run reaches `stage` and `apply` n times: first, middle, commit point, after it, last. */
export function killSpecs(n: number): string[] {
  const mid = Math.max(1, Math.ceil(n / 2));
  return [`stage:1`, `stage:${mid}`, 'commit:1', 'committed:1', 'apply:1', `apply:${mid}`, `apply:${n}`, 'cleanup:1'];
}
