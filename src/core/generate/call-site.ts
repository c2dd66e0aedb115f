/**
 * Where a generator called into the sdk, kept on the error an sdk call throws. An allocation that
 * fails deep inside the shared ledger (a pool exhausted while choosing under compare-and-swap)
 * throws through more async frames than V8 keeps (Error.stackTraceLimit, 10 by default), so the
 * error's own stack may no longer reach the generator's line; the stack taken when the call began
 * always does. svc keeps the process's limit as it is rather than raise it for everyone.
 */
const CALL_SITE = Symbol.for('svc.generate.callSite');

/** Run an sdk call, and tag what it throws with the stack of the caller that made it. */
export async function atCallSite<T>(work: () => Promise<T>): Promise<T> {
  // Taken synchronously, before the first await: the generator's frame is among the first.
  const site = new Error('sdk call');
  try {
    return await work();
  } catch (e) {
    if (e instanceof Error && !(CALL_SITE in e)) Object.defineProperty(e, CALL_SITE, { value: site.stack, enumerable: false });
    throw e;
  }
}

/** Tag `err` with the stack of the sdk call it came from, taken elsewhere (in a generator's sandbox). */
export function withCallSite<E extends Error>(err: E, stack: string): E {
  if (!(CALL_SITE in err)) Object.defineProperty(err, CALL_SITE, { value: stack, enumerable: false });
  return err;
}

/** The stack of the sdk call that threw `err`, when it came through atCallSite. */
export function callSiteOf(err: unknown): string | undefined {
  return err instanceof Error ? ((err as Error & { [CALL_SITE]?: string })[CALL_SITE] ?? undefined) : undefined;
}
