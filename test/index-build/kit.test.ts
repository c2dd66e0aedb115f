import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isObjectFile } from '../../src/adapters/inventory/files.js';
import { parseLsFiles } from '../../src/adapters/git/index-file.js';
import { buildPlan, linkOrder, makeBuildKit } from '../../src/adapters/index/build-kit.js';
import { compileLayout } from '../../src/adapters/index/layout.js';
import { encodeObject } from '../../src/core/inventory/codec.js';
import { objectId, objectPath } from '../../src/core/inventory/paths.js';
import { tempDir, tempRepo } from '../helpers/repo.js';
import { catalogRepo, load, sampleInventory } from '../inventory/helpers.js';
import { buildFresh, dump, type Files } from './helpers.js';

/**
 * The build's fast decoder (src/adapters/index/build-kit.ts) must accept a file only when
 * decodeObject finds nothing wrong with it, and then mean exactly the same. Built both ways, the
 * indexes must be equal row for row, problems included.
 */
const { schema } = load(catalogRepo({}));
const kitOf = (s = schema) => {
  const layout = compileLayout(s);
  return makeBuildKit(buildPlan(layout, linkOrder(layout)), crypto);
};
/** The kit's record for one file, or -1 when it leaves the file to decodeObject. */
const decodedKind = (kit: ReturnType<typeof kitOf>, path: string, text: string) => {
  const out: unknown[] = [];
  kit.record(out, path, 'b', text);
  return out[0] as number;
};
const inner = (entries: [string, string][]): Files => Object.fromEntries(entries.map(([p, t]) => [p.slice('inventory/'.length), t]));

/** A switch file with `fields` (JSON text as given), under its own id. */
function switchFile(i: number, fields: string): [string, string] {
  const id = objectId('DcimSwitch', `mutant-${i}`);
  return [`DcimSwitch/m${i}.json`, `{\n  "id": "${id}",\n  "name": "m${i}",\n  "status": "active"${fields ? `,\n  ${fields}` : ''}\n}\n`];
}

const SWITCH_FIELDS = [
  '',
  '"asn": 65001',
  '"asn": "65001"',
  '"asn": 1.5',
  '"asn": 9007199254740993',
  '"asn": null',
  '"asn": true',
  '"managed": true',
  '"managed": "yes"',
  '"managed": 1',
  '"mgmt": "10.0.0.1/24"',
  '"mgmt": "::1"',
  '"mgmt": "1.2.3.4/999"',
  '"mgmt": "not-an-ip"',
  '"mgmt": "1234"',
  '"tags": ["b", "a"]',
  '"tags": []',
  '"tags": [1, {"x": [null]}]',
  '"tags": "a"',
  '"extra": {"rack": 4}',
  '"extra": "text"',
  '"extra": 5',
  '"extra": [1]',
  '"extra": null',
  '"installed": "2026-03-01T10:00:00.000Z"',
  '"installed": 5',
  '"serial": "SN1"',
  '"serial": ""',
  '"colour": "red"',
  '"__proto__": {"asn": 1}',
  '"constructor": 1',
  '"toString": "x"',
  '"interfaces": []',
  '"asn": 1, "asn": "x"',
  '"asn": "x", "asn": 1',
  '"site": "ATL1"',
  '"site": ["ATL1"]',
  '"site": ["ATL1", "x"]',
  '"site": []',
  '"site": [1]',
  '"site": {"kind": "LocationSite", "hfid": "ATL1"}',
  '"site": {"kind": "LocationSite", "hfid": ["ATL1"], "extra": 1}',
  '"site": {"kind": "Nope", "hfid": "x"}',
  '"site": {"kind": "DcimSwitch", "hfid": "x"}',
  `"site": {"id": "${objectId('LocationSite', ['ATL1'])}"}`,
  '"site": {"id": "0123456789abcdef"}',
  '"site": {"id": "BAD"}',
  '"site": {}',
  '"site": null',
  '"site": 5',
];

const OTHER_FILES: [string, string][] = [
  ['DcimSwitch/no-id.json', '{\n  "name": "x"\n}\n'],
  ['DcimSwitch/bad-id.json', '{\n  "id": "BAD"\n}\n'],
  ['DcimSwitch/num-id.json', '{\n  "id": 5\n}\n'],
  ['DcimSwitch/not-json.json', '{ "id": '],
  ['DcimSwitch/array.json', '[]\n'],
  ['DcimSwitch/null.json', 'null\n'],
  ['DcimSwitch/string.json', '"x"\n'],
  ['DcimGenericDevice/generic.json', `{\n  "id": "${objectId('DcimGenericDevice', 'g')}"\n}\n`],
  ['Nope/unknown.json', `{\n  "id": "${objectId('Nope', 'n')}"\n}\n`],
  ...[
    '"device": "atl1-core1"',
    '"device": {"kind": "DcimSwitch", "hfid": "atl1-core1"}',
    '"device": {"kind": "DcimGenericDevice", "hfid": "atl1-core1"}',
    '"device": {"kind": "DcimRouter", "hfid": ["atl1-edge1"]}',
    `"tagged_vlans": [{"id": "${objectId('IpamVlan', 'v100')}"}]`,
    `"tagged_vlans": {"id": "${objectId('IpamVlan', 'v100')}"}`,
    '"tagged_vlans": []',
    '"tagged_vlans": ["x"]',
    '"tagged_vlans": [{"id": "0123456789abcdef"}, "y", {"kind": "IpamVlan", "hfid": ["z", "w"]}]',
    '"tagged_vlans": [{"id": "BAD"}]',
  ].map((f, i): [string, string] => [`DcimInterface/x/e${i}.json`, `{\n  "id": "${objectId('DcimInterface', `e${i}`)}",\n  "name": "e${i}",\n  ${f}\n}\n`]),
  // Values whose slug is not themselves: hfids and paths through the slow and the fast slug.
  ...['Zürich', 'con', 'CON.txt', 'a.', '.hidden', 'with space', 'x'.repeat(70), '', 'ok-name_1.2', 'naïve/slash', '🙂'].map(
    (name, i): [string, string] => [`LocationSite/s${i}.json`, `{\n  "id": "${objectId('LocationSite', [name])}",\n  "name": ${JSON.stringify(name)}\n}\n`],
  ),
];

describe('the fast decoder of a full build', () => {
  it('builds the same index as decodeObject, file by file, problems included', () => {
    const files: Files = {
      ...inner(Object.entries(sampleInventory())),
      ...Object.fromEntries(SWITCH_FIELDS.map((f, i) => switchFile(i, f))),
      ...Object.fromEntries(OTHER_FILES),
    };
    const dir = tempDir();
    const fast = dump(buildFresh(dir, 'fast.sqlite', schema, files, 'fast'));
    const careful = dump(buildFresh(dir, 'careful.sqlite', schema, files, 'careful'));
    expect(fast).toEqual(careful);
    // The comparison covers both outcomes: files decoded fast, and files with problems.
    const kit = kitOf();
    const fastOnes = Object.entries(files).filter(([p, t]) => decodedKind(kit, p, t) >= 0);
    expect(fastOnes.length).toBeGreaterThan(40);
    expect(careful.problems!.length).toBeGreaterThan(30);
  });

  it('decodes every file svc writes without the careful decoder', () => {
    const kit = kitOf();
    for (const [path, text] of Object.entries(inner(Object.entries(sampleInventory())))) expect(decodedKind(kit, path, text), path).not.toBe(-1);
    const sw = { id: objectId('DcimSwitch', ['atl1-core1']), kind: 'DcimSwitch', attributes: { name: 'atl1-core1', status: 'active', asn: 1, managed: true, mgmt: '10.0.0.1/24', tags: ['a'], extra: { a: [1] }, installed: '2026-01-01T00:00:00.000Z', serial: 'S' }, relationships: { site: { id: objectId('LocationSite', ['ATL1']), kind: 'LocationSite' } } };
    const text = encodeObject(schema, sw, () => ['ATL1']);
    expect(decodedKind(kit, 'DcimSwitch/atl1-core1.json', text)).not.toBe(-1);
  });

  it('computes hfids of every value type as the index does', () => {
    const yaml = `version: "1.0"
nodes:
  - name: Thing
    namespace: Test
    human_friendly_id: [num__value, flag__value, data__value, list__value, text__value]
    attributes:
      - { name: num, kind: Number, optional: true }
      - { name: flag, kind: Boolean, optional: true }
      - { name: data, kind: JSON, optional: true }
      - { name: list, kind: List, optional: true }
      - { name: text, kind: Text, optional: true }
`;
    const dir = tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/s.yml': yaml });
    const { schema: s } = load(dir);
    const values = [
      { num: 1, flag: true, data: { a: 1 }, list: ['x', 2], text: 'T' },
      { num: -5, flag: false, data: 'str', list: [], text: 'Ünï' },
      { num: 0, flag: true, data: [1, 'a'], list: [{}], text: '' },
      { num: 2, flag: false, data: 7, list: [null], text: 'x' },
      { num: 3, flag: true, data: false, list: ['a'] },
    ];
    const files: Files = Object.fromEntries(values.map((v, i) => [`TestThing/t${i}.json`, `${JSON.stringify({ id: objectId('TestThing', `t${i}`), ...v }, null, 2)}\n`]));
    const fast = dump(buildFresh(dir, 'fast.sqlite', s, files, 'fast'));
    expect(fast).toEqual(dump(buildFresh(dir, 'careful.sqlite', s, files, 'careful')));
    expect((fast.objects as { hfid: string | null }[]).map((o) => o.hfid).filter(Boolean)).toHaveLength(4);
  });
});

describe('the kit mirrors the code the worker cannot import', () => {
  it('objectPath, for values that are their own slug and values that are not', () => {
    const kit = kitOf();
    const values = ['a', 'atl1-core1', 'Ethernet1/1', 'Zürich', 'con', 'con.txt', 'CON', 'lpt1', 'com¹', 'aux.x.y', 'a.', 'a ', '.a', '..', '-', '_', '1.2.3', 'x'.repeat(64), 'x'.repeat(65), `${'x'.repeat(63)}.`, '', ' ', 'a~b', '10.0.0.0/24', '🙂', 'ǅ', 'İ'];
    for (const v of values) {
      expect(kit.objectPath('K', '0123456789abcdef', [v]), JSON.stringify(v)).toBe(objectPath('K', '0123456789abcdef', [v]));
    }
    expect(kit.objectPath('K', '0123456789abcdef', ['a', 'B'])).toBe(objectPath('K', '0123456789abcdef', ['a', 'B']));
    expect(kit.objectPath('K', '0123456789abcdef', [])).toBe(objectPath('K', '0123456789abcdef', undefined));
    // Where Node has no one-shot crypto.hash (before 20.12), the digests are the same.
    const layout = compileLayout(schema);
    const older = makeBuildKit(buildPlan(layout, linkOrder(layout)), { ...crypto, hash: undefined } as unknown as typeof crypto);
    for (const v of values) expect(older.objectPath('K', '0123456789abcdef', [v])).toBe(kit.objectPath('K', '0123456789abcdef', [v]));
    expect(older.digest('sha1', Buffer.from('blob 0\0'))).toBe(kit.digest('sha1', Buffer.from('blob 0\0')));
    expect(kit.digest('sha1', Buffer.from('blob 0\0'))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });

  it('isObjectFile', () => {
    const kit = kitOf();
    for (const p of ['a.json', 'K/a.json', 'K/b/a.json', 'K/.a.json', '.K/a.json', 'K/.b/a.json', 'K/a.json.tmp', 'K/a.JSON', 'K/a', 'README.md', 'K/a.json/', 'K/.json', '/.json', 'K/x.json']) {
      expect(kit.isObjectFile(p), p).toBe(isObjectFile(p));
      // And on the bytes of git's listing.
      expect(kit.listFiles(parseLsFiles(Buffer.from(`100644 ${'0'.repeat(40)} 0\t${p}\0`)), '').count, p).toBe(isObjectFile(p) ? 1 : 0);
    }
  });

  it('orders files kind by kind, then by path, whatever order git lists them in', () => {
    const kit = kitOf();
    const paths = ['LocationSite/b.json', 'DcimSwitch/z.json', 'LocationSite/a.json', 'README.md', 'Zzz/x.json', 'DcimInterface/a/b.json', 'Aaa/y.json', 'DcimSwitch/a.json'];
    const ordered = kit.order(paths);
    expect(ordered).toEqual(kit.order([...paths].reverse()));
    expect(ordered).not.toContain('README.md');
    // Unknown folders last; each kind sorted.
    expect(ordered.slice(-2)).toEqual(['Aaa/y.json', 'Zzz/x.json']);
    expect(ordered.indexOf('DcimSwitch/a.json')).toBe(ordered.indexOf('DcimSwitch/z.json') - 1);
    // A device comes before the interfaces whose hfid reads it.
    expect(ordered.indexOf('DcimSwitch/z.json')).toBeLessThan(ordered.indexOf('DcimInterface/a/b.json'));
  });
  it('lists the object files of git index listing in build order, as order() would', () => {
    const kit = kitOf();
    const blob = (i: number) => String(i).padStart(40, '0');
    const entry = (mode: string, i: number, stage: number, path: string) => `${mode} ${blob(i)} ${stage}\t${path}\0`;
    // As git lists them: sorted by path; a conflicted path once per stage; a gitlink; files outside the folder.
    const raw = Buffer.from(
      [
        entry('100644', 1, 0, 'inv/Aaa/y.json'),
        entry('100644', 2, 0, 'inv/DcimInterface/a/b.json'),
        entry('100644', 3, 1, 'inv/DcimSwitch/a.json'),
        entry('100644', 4, 2, 'inv/DcimSwitch/a.json'),
        entry('100644', 5, 3, 'inv/DcimSwitch/a.json'),
        entry('100644', 6, 0, 'inv/DcimSwitch/z.json'),
        entry('160000', 7, 0, 'inv/DcimSwitch/zz.json'),
        entry('100644', 8, 0, 'inv/LocationSite/.hidden.json'),
        entry('100644', 9, 0, 'inv/LocationSite/b.json'),
        entry('100755', 10, 0, 'inv/LocationSite/é.json'),
        entry('100644', 11, 0, 'inv/README.md'),
        entry('120000', 13, 0, 'inv/Zzz/x.json'),
        entry('100644', 12, 0, 'invx/LocationSite/c.json'),
      ].join(''),
    );
    const listing = kit.listFiles(parseLsFiles(raw), 'inv');
    const listed = Array.from({ length: listing.count }, (_, i) => kit.listed(listing, i));
    const paths = ['Aaa/y.json', 'DcimInterface/a/b.json', 'DcimSwitch/a.json', 'DcimSwitch/z.json', 'LocationSite/b.json', 'LocationSite/é.json', 'Zzz/x.json'];
    expect(listed.map(([p]) => p)).toEqual(kit.order(paths));
    expect(Object.fromEntries(listed)).toEqual({ 'Aaa/y.json': blob(1), 'DcimInterface/a/b.json': blob(2), 'DcimSwitch/a.json': blob(3), 'DcimSwitch/z.json': blob(6), 'LocationSite/b.json': blob(9), 'LocationSite/é.json': blob(10), 'Zzz/x.json': blob(13) });
    // The whole repository as the folder; an empty listing.
    const whole = kit.listFiles(parseLsFiles(raw), '');
    expect(Array.from({ length: whole.count }, (_, i) => kit.listed(whole, i)[0])).toEqual([...paths.map((p) => `inv/${p}`), 'invx/LocationSite/c.json'].filter((p) => p !== 'inv/DcimSwitch/zz.json'));
    expect(kit.listFiles(parseLsFiles(Buffer.from(entry('100644', 1, 0, 'K/a.json'))), '').count).toBe(1);
    expect(kit.listFiles(parseLsFiles(Buffer.alloc(0)), 'inv').count).toBe(0);
  });
});
