import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from '../../src/core/inventory/duplicate-keys.js';
import { findControlCharacter } from '../../src/core/text.js';
import { git, svc, tempDir, writeTree } from '../helpers/repo.js';
import { NOW, otterNet, request, snapshot } from '../request/helpers.js';

const DIA = ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small'];
const header = (kind: string) => `apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: ${kind}\n  data:\n`;
/** No identity anywhere: git's variables unset, no global or system config (TEST_ENV's), no EMAIL. */
const NOBODY = { GIT_AUTHOR_NAME: undefined, GIT_AUTHOR_EMAIL: undefined, GIT_COMMITTER_NAME: undefined, GIT_COMMITTER_EMAIL: undefined };

describe('inputs svc refuses up front', () => {
  it('no git identity: refused as git refuses, nothing written; --author gives one', () => {
    const dir = otterNet();
    const before = snapshot(dir);
    const r = request(dir, DIA, NOBODY);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[git/no-identity]');
    expect(r.stderr).toContain('git config --global user.name "Your Name"');
    expect(r.stderr).toContain('--author');
    expect(snapshot(dir)).toBe(before);
    // A dry run commits nothing, so it needs nobody.
    expect(request(dir, [...DIA, '--dry-run'], NOBODY).code).toBe(0);
    const ok = request(dir, [...DIA, '--author', 'Ada Lovelace <ada@example.com>'], NOBODY);
    expect(ok.stderr).not.toContain('error');
    expect(ok.code).toBe(0);
    expect(git(dir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', 'request/dia-0001').trim()).toBe('Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>');
    const bad = request(dir, [...DIA, '--author', 'just a name'], NOBODY);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[cli/bad-author]');
  });

  it('a key written twice in an object file: validate, diff and load report it with its line and column', () => {
    const dir = otterNet();
    const file = 'inventory/LocationSite/ber01.json';
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).toContain('"status": "planned",');
    // The last value is the one there already: a reader keeping the last sees no change at all.
    writeFileSync(join(dir, file), text.replace('"status": "planned",', '"status": "active",\n  "status": "planned",'));
    const where = `${file}:5:3: error[inventory/duplicate-key]: key "status" is written twice`;
    const v = svc(dir, ['validate']);
    expect(v.code).toBe(1);
    expect(v.stdout + v.stderr).toContain(where);
    // Only the repeated key is reported: the object is still read, so nothing refers to a missing site.
    expect(v.stdout + v.stderr).not.toContain('dangling-reference');
    const d = svc(dir, ['diff']);
    expect(d.stdout).not.toContain('No inventory changes');
    expect(d.stdout).toContain('LocationSite/ber01.json (modified: key "status" is written twice in one object: which value is meant cannot be told (line 5, column 3))');
    const l = svc(dir, ['load', 'bootstrap/03_l2domains.yml']);
    expect(l.code).toBe(1);
    expect(l.stderr).toContain(where);
  });

  it('control characters in request inputs, ids and object names are refused before anything is done', () => {
    const dir = otterNet();
    const before = snapshot(dir);
    const customer = request(dir, ['create', 'dedicated internet 1000', '--customer', 'acme\nSvc-Action: terminate', '--set', 'site=par01', '--set', 'ip_package=small']);
    expect(customer.code).toBe(2);
    expect(customer.stderr).toContain('error[input/control-character]: --customer: "acme\\nSvc-Action: terminate" contains U+000A (a control character) at character 5');
    const set = request(dir, ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01\u001b[2J', '--set', 'ip_package=small']);
    expect(set.code).toBe(2);
    expect(set.stderr).toContain('--set site: "par01\\u001b[2J" contains U+001B');
    // Outside the catalog, so that the snapshot stays as it was.
    const elsewhere = tempDir();
    writeTree(elsewhere, { 'req.yml': 'customer: acme\nsite: "par\\0one"\nip_package: small\n' });
    const file = request(dir, ['create', 'dedicated internet 1000', '-f', join(elsewhere, 'req.yml')]);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('-f site: "par\\u0000one" contains U+0000');
    const modify = request(dir, ['modify', 'dia-0001', '--set', 'ip_package=large\u0007']);
    expect(modify.code).toBe(2);
    expect(modify.stderr).toContain('--set ip_package: "large\\u0007" contains U+0007');
    expect(snapshot(dir)).toBe(before);

    writeTree(elsewhere, { 'nul.yml': `${header('IpamL2Domain')}    - name: "oth\\0er"\n      description: "two\\nlines"\n` });
    const load = svc(dir, ['load', join(elsewhere, 'nul.yml')]);
    expect(load.code).toBe(1);
    expect(load.stderr).toContain('nul.yml:6:13: error[load/control-character]: IpamL2Domain "oth\u0000er": name: "oth\\u0000er" contains U+0000');
    expect(load.stderr).toContain('description: "two\\nlines" contains U+000A');
    expect(snapshot(dir)).toBe(before);
  });

  it('a value of the wrong type is reported as such, not also as missing', () => {
    const dir = otterNet();
    writeTree(dir, { 'vlan.yml': `${header('IpamVLAN')}    - name: test\n      vlan_id: abc\n      l2domain: default\n` });
    const r = svc(dir, ['load', 'vlan.yml'], { env: NOW });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[load/wrong-type]: IpamVLAN "test": vlan_id (Number) must be an integer, got string "abc"');
    expect(r.stderr).not.toContain('missing-mandatory');
    expect(r.stderr).toContain('1 error in the object files');
  });
});

describe('the scanners behind them', () => {
  it('findDuplicateKey: at any depth, never fooled by keys inside strings', () => {
    const at = (t: string) => findDuplicateKey(t, JSON.parse(t));
    expect(at('{"a": 1, "b": {"c": 1, "c": 2}}')).toEqual({ key: 'c', line: 1, column: 24 });
    expect(at('{"a": "x\\": 1", "b": 2}')).toBeUndefined();
    expect(at('{"a": [{"k": 1}, {"k": 2}]}')).toBeUndefined();
    expect(at('{"a\\\\": 1, "a\\\\": 2}')?.key).toBe('a\\');
  });

  it('findControlCharacter: multi-line text keeps tabs and line breaks only', () => {
    expect(findControlCharacter('a\tb')?.code).toBe('U+0009');
    expect(findControlCharacter('a\tb\nc', true)).toBeUndefined();
    expect(findControlCharacter('a\u0085b', true)?.code).toBe('U+0085');
    expect(findControlCharacter('Zürich – Genève')).toBeUndefined();
  });
});
