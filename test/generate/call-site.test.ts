import { describe, expect, it } from 'vitest';
import { atCallSite, callSiteOf } from '../../src/core/generate/call-site.js';

async function deep(n: number): Promise<never> {
  if (n === 0) throw new Error('pool exhausted');
  await Promise.resolve();
  return deep(n - 1);
}

async function generatorLine(): Promise<never> {
  return atCallSite(() => deep(20));
}

describe('the call site of an sdk call', () => {
  it('reaches the caller when the error thrown deep down no longer does', async () => {
    const err = await generatorLine().catch((e: unknown) => e as Error);
    expect(err.message).toBe('pool exhausted');
    // V8 keeps Error.stackTraceLimit frames: 20 awaits deep, the caller has fallen off the error's stack.
    expect(err.stack).not.toMatch(/generatorLine/);
    expect(callSiteOf(err)).toMatch(/generatorLine/);
  });

  it('keeps the innermost call site when sdk calls nest, and is absent on other errors', async () => {
    const innerCall = (): Promise<never> => atCallSite(() => deep(0));
    const err = await atCallSite(() => innerCall()).catch((e: unknown) => e as Error);
    // The outer call's stack was taken before innerCall ran: only the inner one names it.
    expect(callSiteOf(err)).toMatch(/innerCall/);
    expect(callSiteOf(new Error('plain'))).toBeUndefined();
    expect(callSiteOf('not an error')).toBeUndefined();
  });
});
