import { describe, expect, it } from 'vitest';
import { PoolAllocator, findHeldTwice, recordHoldings, type NumberPoolDefinition, type PrefixPoolDefinition } from '../../src/core/pools/index.js';

/** A fixed pseudo-random sequence: the same run every time. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

// Cross-check the interval arithmetic against the obvious enumeration on pools small enough to enumerate.
describe('allocation agrees with a naive enumeration', () => {
  it('number pools: lowest free, after any sequence of allocations and releases', () => {
    const pool: NumberPoolDefinition = { type: 'number', id: 'n', name: 'n', start: 10, end: 89, excluded: '15, 20-24, 88' };
    const excluded = new Set([15, 20, 21, 22, 23, 24, 88]);
    const used = new Set([10, 11, 30, 31, 32, 60]);
    const a = new PoolAllocator(pool, [...used].map(String), []);
    const held = new Map<string, number>();
    const rnd = lcg(7);
    for (let step = 0; step < 600; step++) {
      const key = `k${Math.floor(rnd() * 90)}`;
      if (rnd() < 0.35) {
        a.release(key);
        held.delete(key);
        continue;
      }
      const taken = new Set([...used, ...excluded, ...held.values()]);
      let expected: number | undefined = held.get(key);
      for (let v = 10; expected === undefined && v <= 89; v++) if (!taken.has(v)) expected = v;
      if (expected === undefined) {
        expect(() => a.allocate(key)).toThrow(/all 73 in use/);
        continue;
      }
      expect(a.allocate(key)).toBe(String(expected));
      held.set(key, expected);
    }
    expect(findHeldTwice(recordHoldings(a.records()))).toEqual([]);
  });

  it('prefix pools: lowest aligned free block of mixed lengths, never overlapping', () => {
    const pool: PrefixPoolDefinition = { type: 'prefix', id: 'p', name: 'p', prefixes: ['10.0.0.0/24'] };
    const a = new PoolAllocator(pool, ['10.0.0.64/28'], []);
    const held = new Map<string, [number, number]>();
    const rnd = lcg(11);
    const ipText = (n: number, len: number) => `10.0.0.${n}/${len}`;
    for (let step = 0; step < 800; step++) {
      const key = `k${Math.floor(rnd() * 40)}`;
      if (rnd() < 0.3) {
        a.release(key);
        held.delete(key);
        continue;
      }
      const len = 27 + Math.floor(rnd() * 4);
      const size = 2 ** (32 - len);
      const cur = held.get(key);
      if (cur && cur[1] === size) {
        expect(a.allocate(key, { length: len })).toBe(ipText(cur[0], len));
        continue;
      }
      const before = held.get(key);
      held.delete(key);
      const busy = (s: number) =>
        (s < 80 && s + size > 64) || [...held.values()].some(([hs, hsz]) => s < hs + hsz && hs < s + size);
      let expected: number | undefined;
      for (let s = 0; expected === undefined && s + size <= 256; s += size) if (!busy(s)) expected = s;
      if (expected === undefined) {
        expect(() => a.allocate(key, { length: len })).toThrow(/no free/);
        // a failed allocation changes nothing: the key keeps what it held
        if (before) held.set(key, before);
        expect(a.holding(key)).toBe(before ? ipText(before[0], 32 - Math.log2(before[1])) : undefined);
        continue;
      }
      expect(a.allocate(key, { length: len })).toBe(ipText(expected, len));
      held.set(key, [expected, size]);
    }
    expect(findHeldTwice(recordHoldings(a.records()))).toEqual([]);
  });
});
