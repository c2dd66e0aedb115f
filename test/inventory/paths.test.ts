import { describe, expect, it } from 'vitest';
import { objectId, objectPath, slug } from '../../src/core/inventory/paths.js';

describe('object file names', () => {
  it('keeps plain lower-case values as they are', () => {
    expect(slug('atl1-core1')).toBe('atl1-core1');
    expect(slug('10.0.0.1')).toBe('10.0.0.1');
    expect(objectPath('DcimDevice', '0123456789abcdef', ['atl1-core1'])).toBe('DcimDevice/atl1-core1.json');
  });

  it('nests multi-component hfids and names objects without hfid by id', () => {
    expect(objectPath('DcimInterface', '0123456789abcdef', ['atl1', 'eth1'])).toBe('DcimInterface/atl1/eth1.json');
    expect(objectPath('IpamVlan', '0123456789abcdef', undefined)).toBe('IpamVlan/0123456789abcdef.json');
  });

  it('never lets a value traverse or hide', () => {
    for (const v of ['..', '.', '../../etc/passwd', '/abs', 'a/../../b', '.hidden', 'a\\..\\b']) {
      const s = slug(v);
      expect(s).not.toContain('/');
      expect(s).not.toContain('\\');
      expect(s.startsWith('.')).toBe(false);
      expect(s).toMatch(/~[0-9a-f]{8}$/);
    }
  });

  it('values differing only by case get different names (case-insensitive file systems)', () => {
    const a = slug('Ethernet1');
    const b = slug('ethernet1');
    expect(a.toLowerCase()).not.toBe(b.toLowerCase());
    expect(b).toBe('ethernet1');
    expect(a).toMatch(/^ethernet1~[0-9a-f]{8}$/);
  });

  it('avoids Windows reserved names, trailing dots and spaces, characters Windows refuses', () => {
    for (const v of ['con', 'nul.txt', 'com1', 'lpt9', 'aux']) expect(slug(v)).toMatch(/~[0-9a-f]{8}$/);
    expect(slug('name.')).toMatch(/^name\.~[0-9a-f]{8}$/);
    expect(slug('name ')).toMatch(/^name-~[0-9a-f]{8}$/);
    expect(slug('a:b*c?"<>|')).toMatch(/^a-b-c-----~[0-9a-f]{8}$/);
  });

  it('maps unicode to safe characters and keeps values apart by hash', () => {
    const a = slug('Zürich');
    const b = slug('Zurich');
    expect(a).toMatch(/^z-rich~[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(slug('東京')).toMatch(/^--~[0-9a-f]{8}$/);
    expect(slug('')).toMatch(/^~[0-9a-f]{8}$/);
  });

  it('caps long values and keeps them unique', () => {
    const long = 'x'.repeat(300);
    expect(slug(long).length).toBeLessThanOrEqual(64 + 9);
    expect(slug(long)).not.toBe(slug(`${long}y`));
  });

  it('ids are 16 hex, deterministic, and differ by kind and seed', () => {
    expect(objectId('DcimDevice', ['a'])).toMatch(/^[0-9a-f]{16}$/);
    expect(objectId('DcimDevice', ['a'])).toBe(objectId('DcimDevice', ['a']));
    expect(objectId('DcimDevice', ['a'])).not.toBe(objectId('DcimSwitch', ['a']));
    expect(objectId('DcimDevice', ['a'])).not.toBe(objectId('DcimDevice', ['b']));
  });
});
