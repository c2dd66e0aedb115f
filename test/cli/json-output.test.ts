import { describe, expect, it } from 'vitest';
import { errorDocument, FORMAT_VERSION, jsonDocument, wantsJson } from '../../src/cli/json.js';
import { svc, tempDir } from '../helpers/repo.js';
import { loadedOtterNet } from '../pools-cli/helpers.js';

describe('machine output (pure)', () => {
  it('puts format_version first on an object, leaves an array an array', () => {
    expect(Object.keys(JSON.parse(jsonDocument({ a: 1 })))).toEqual(['format_version', 'a']);
    expect(JSON.parse(jsonDocument([1]))).toEqual([1]);
  });

  it('sees --format json in either spelling, and not after --', () => {
    expect(wantsJson(['pools', '--format', 'json'])).toBe(true);
    expect(wantsJson(['--format=json'])).toBe(true);
    expect(wantsJson(['--format', 'text'])).toBe(false);
    expect(wantsJson(['load', '--', '--format', 'json'])).toBe(false);
  });

  it('points an error at its first located diagnostic', () => {
    const doc = JSON.parse(errorDocument({ code: 'x/y', message: 'm', diagnostics: [{ severity: 'error', code: 'x/y', message: 'm' }, { severity: 'error', code: 'x/z', message: 'n', file: 'a.yml', line: 3, column: 5 }] }));
    expect(doc.error).toMatchObject({ code: 'x/y', message: 'm', hint: null, file: 'a.yml', line: 3, column: 5 });
  });
});

describe('machine output (svc)', () => {
  it('with --format json, errors are one JSON document on stderr, with the exit code unchanged; without, text', () => {
    const dir = tempDir('svc-json-');
    const r = svc(dir, ['pools', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const doc = JSON.parse(r.stderr);
    expect(doc).toEqual({ format_version: FORMAT_VERSION, error: { code: 'catalog/not-found', message: expect.stringContaining('not inside a catalog'), hint: expect.any(String), file: null, line: null, column: null } });
    const usage = svc(dir, ['pools', 'gc', '--grace', '1h', '--bogus', '--format', 'json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stderr).error).toMatchObject({ code: 'cli/unknownOption', message: "unknown option '--bogus'" });
    expect(svc(dir, ['pools']).stderr).toMatch(/^error\[catalog\/not-found\]/);
  });

  it('every JSON document carries format_version; schema export takes --format', () => {
    const repo = loadedOtterNet();
    for (const args of [['pools'], ['pools', 'show', 'Customer vlan pool'], ['products'], ['validate'], ['diff']]) {
      const r = svc(repo, [...args, '--format', 'json']);
      expect(JSON.parse(r.stdout).format_version, args.join(' ')).toBe(FORMAT_VERSION);
    }
    const out = tempDir('svc-export-');
    const e = JSON.parse(svc(repo, ['schema', 'export', '--out', out, '--format', 'json']).stdout);
    expect(e.format_version).toBe(FORMAT_VERSION);
    expect(e.schemas.length).toBeGreaterThan(1);
    const bad = svc(repo, ['pools', 'release', 'Customer vlan pool', '1000', '--format', 'json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr).error.code).toBe('reservations/not-held');
  }, 120_000);
});
