import { readFileSync } from 'node:fs';

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
 * When a process started (clock ticks since boot, /proc/<pid>/stat field 22), or undefined where
 * /proc is not there. With the pid it names one process: a pid alone may have been reused.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process `pid` that started at `start` (processStart's answer, or '' when unknown) still runs. */
export function processStillRuns(pid: number, start: string): boolean {
  if (!processAlive(pid)) return false;
  if (start === '') return true;
  const now = processStart(pid);
  return now === undefined || now === start;
}
