import { describe, expect, it } from 'vitest';
import { parsePrefix } from '../../src/core/pools/ip.js';
import { fileAt, json, otterNet, request, type Created } from './helpers.js';

const create = (customer: string, pkg: string) => ['create', 'dedicated internet 1000', '--customer', customer, '--set', 'site=par01', '--set', `ip_package=${pkg}`, '--format', 'json'];

describe('open requests never get overlapping prefixes', () => {
  it('three requests in a row at one site, large then medium then small: three disjoint prefixes', () => {
    const dir = otterNet();
    const prefixes = ['large', 'medium', 'small'].map((pkg, i) => {
      const r = json<Created>(request(dir, create(`c${i}`, pkg)));
      const block = JSON.parse(fileAt(dir, r.branch, `inventory/BlockDedicatedInternet/${r.subscription}/dedicated_internet.json`));
      return String(block.prefix);
    });
    expect(prefixes.map((p) => p.split('/')[1])).toEqual(['27', '28', '29']);
    const spans = prefixes.map((p) => parsePrefix(p)!);
    for (let i = 0; i < spans.length; i++) {
      for (let j = i + 1; j < spans.length; j++) {
        const overlap = spans[i]!.start <= spans[j]!.end && spans[j]!.start <= spans[i]!.end;
        expect(overlap, `${prefixes[i]} and ${prefixes[j]}`).toBe(false);
      }
    }
  }, 120_000);
});
