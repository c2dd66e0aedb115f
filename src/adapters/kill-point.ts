/**
 * Fault injection for tests: `SVC_TEST_KILL_AT=<step>:<n>` makes the process SIGKILL itself the
 * n-th time it reaches `step` (steps are named where killPoint is called; see docs/atomicity.md).
 * Several may be given, comma-separated; the first reached fires. Unset: a map lookup per call.
 */
let plan: Map<string, number> | undefined;
const reached = new Map<string, number>();

function parsePlan(): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (process.env.SVC_TEST_KILL_AT ?? '').split(',')) {
    const m = /^([a-z-]+):(\d+)$/.exec(part.trim());
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

export function killPoint(step: string): void {
  plan ??= parsePlan();
  if (plan.size === 0) return;
  const want = plan.get(step);
  if (want === undefined) return;
  const n = (reached.get(step) ?? 0) + 1;
  reached.set(step, n);
  if (n === want) process.kill(process.pid, 'SIGKILL');
}
