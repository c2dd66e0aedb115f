import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Whether a process with this id exists (EPERM: it does, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * Who a process is, in a form that survives pid reuse: host, boot id, pid and start time
 * (`host boot pid start`). On Linux the start time is field 22 of /proc/<pid>/stat (clock ticks
 * since boot) and the boot id is /proc/sys/kernel/random/boot_id; elsewhere both are '-'.
 * Undefined when the process does not exist.
 */
export function processIdentity(pid: number = process.pid): string | undefined {
  const start = startTime(pid);
  if (start === null) return undefined;
  return `${hostname()} ${bootId() ?? '-'} ${pid} ${start ?? '-'}`;
}

/** Field 22 of /proc/<pid>/stat; undefined without /proc, null when the process is gone. */
function startTime(pid: number): string | undefined | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    if (!existsSync('/proc/self/stat')) return processAlive(pid) ? undefined : null;
    return (e as { code?: string }).code === 'ENOENT' ? null : undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[22 - 3] ?? undefined;
}

let boot: string | null | undefined;
function bootId(): string | null {
  if (boot === undefined) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      boot = null;
    }
  }
  return boot;
}

/**
 * Whether the process `identity` names is provably dead: it ran on this host and either this
 * host has rebooted since, or no process has its pid, or the one that has it started at another
 * time. A process on another host, or one this host cannot tell apart, is not provably dead.
 */
export function processIsDead(identity: string): boolean {
  const [host, bootOf, pidText, start] = identity.split(' ');
  if (host !== hostname() || !pidText || !/^\d+$/.test(pidText)) return false;
  const mine = bootId();
  if (bootOf && bootOf !== '-' && mine && bootOf !== mine) return true;
  const now = startTime(Number(pidText));
  if (now === null) return true;
  return start !== undefined && start !== '-' && now !== undefined && now !== start;
}

/**
 * This process's identity, made in the repository `place` (its git common folder): a reservation's
 * holder process. A branch's absence proves something only in the repository that would have it:
 * another clone on the same host may have pushed a branch this one has not fetched yet.
 */
export function processIdentityIn(place: string): string | undefined {
  const id = processIdentity();
  return id && `${id} ${encodeURIComponent(place)}`;
}

/** The process `identity` names worked in `place` and is provably dead (see processIsDead). */
export function diedIn(identity: string, place: string): boolean {
  const where = identity.split(' ')[4];
  return where !== undefined && decodeURIComponent(where) === place && processIsDead(identity);
}

/**
 * When a process started (clock ticks since boot, /proc/<pid>/stat field 22), or undefined where
 * /proc is not there. With the pid it names one process: a pid alone may have been reused.
 */
export function processStart(pid: number): string | undefined {
  return startTime(pid) ?? undefined;
}

/** Whether the process `pid` that started at `start` (processStart's answer, or '' when unknown) still runs. */
export function processStillRuns(pid: number, start: string): boolean {
  if (!processAlive(pid)) return false;
  if (start === '') return true;
  const now = processStart(pid);
  return now === undefined || now === start;
}
