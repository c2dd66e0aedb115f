import { describe, expect, it } from 'vitest';
import { referenceChoicesFor, referenceKinds } from '../../src/cli/form/choices.js';
import { world } from '../products/world.js';
import { labSet, surfSet } from './products.js';

describe('the choices a form offers for references', () => {
  it('lists every kind the form references, nested blocks included, sorted', () => {
    const w = world();
    expect(referenceKinds(w.set.products.get('dedicated internet')!, w.set)).toEqual(['LocationSite']);
    expect(referenceKinds(w.set.products.get('port')!, w.set)).toEqual(['BlockNode']);
    const surf = surfSet();
    expect(referenceKinds(surf.products.get('l2vpn')!, surf)).toEqual(['BlockPort']);
    expect(referenceKinds(labSet().products.get('lab')!, labSet())).toEqual(['LocationSite']);
  });

  it('labels each existing object with its human-friendly id, sorted by label, and keeps the id as the value', () => {
    const w = world();
    w.put({ id: 'site-001', kind: 'LocationSite', attributes: { name: 'rtm1' }, relationships: {} });
    w.put({ id: 'site-zzz', kind: 'LocationSite', attributes: { name: 'ber1' }, relationships: {} });
    const m = referenceChoicesFor(['LocationSite', 'BlockNode'], w.reader, w.schema);
    expect(m.get('LocationSite')).toEqual([
      { id: 'site-ams', label: 'ams1' },
      { id: 'site-zzz', label: 'ber1' },
      { id: 'site-001', label: 'rtm1' },
    ]);
    expect(m.get('BlockNode')!.map((c) => c.id)).toEqual(['blk-node']);
  });
});
