import { describe, expect, it } from 'vitest';
import { expandRange, hasRange, RangeSyntaxError } from '../../src/core/load/range.js';

describe('expand_range', () => {
  it.each([
    ['Ethernet1/[1-4]', ['Ethernet1/1', 'Ethernet1/2', 'Ethernet1/3', 'Ethernet1/4']],
    ['Ethernet[1,3,5]', ['Ethernet1', 'Ethernet3', 'Ethernet5']],
    ['Ethernet[1-2]/[1,3]', ['Ethernet1/1', 'Ethernet1/3', 'Ethernet2/1', 'Ethernet2/3']],
    ['et-0/0/[1-2,5]', ['et-0/0/1', 'et-0/0/2', 'et-0/0/5']],
    ['port[3-1]', ['port3', 'port2', 'port1']],
    ['rack-[a-c]', ['rack-a', 'rack-b', 'rack-c']],
    ['Gi[01-03]', ['Gi01', 'Gi02', 'Gi03']],
    ['no range here', ['no range here']],
    ['[x] stays', ['[x] stays']],
    ['literal \\[1-2\\]', ['literal [1-2]']],
  ])('%s', (pattern, expected) => {
    expect(expandRange(pattern)).toEqual(expected);
  });

  it('detects patterns', () => {
    expect(hasRange('Ethernet1/[1-4]')).toBe(true);
    expect(hasRange('Ethernet1/1')).toBe(false);
    expect(hasRange('\\[1-2\\]')).toBe(false);
  });

  it('refuses ranges it cannot read', () => {
    expect(() => expandRange('x[1-b]')).toThrow(RangeSyntaxError);
    expect(() => expandRange('x[1,,2]')).toThrow('empty item in range [1,,2]');
    expect(() => expandRange('x[1-9999999]')).toThrow('too large');
  });
});
