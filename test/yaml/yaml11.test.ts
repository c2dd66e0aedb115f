import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProductTexts } from '../../src/core/products/load.js';
import { parseYamlQuick } from '../../src/core/yaml/quick.js';
import { parseYaml, YAML11 } from '../../src/core/yaml/source.js';
import { mayReadDifferently, resolveYaml11 } from '../../src/core/yaml/yaml11.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const file = 'yaml11-scalars.yml';
const text = readFileSync(join(PROJECT_ROOT, 'test/fixtures/yaml', file), 'utf8');

describe('YAML 1.1 scalars, as PyYAML reads them', () => {
  it('reads plain scalars as PyYAML does, keys and quoted or tagged values unchanged', () => {
    expect(parseYaml(text, file, YAML11).value).toEqual({
      enabled: true,
      disabled: false,
      shout: false,
      letter_y: 'y',
      letter_n: 'n',
      max: 32767,
      octal: 493,
      hex_underscored: 65535,
      binary: 10,
      sexagesimal: 90,
      float_underscored: 1000.5,
      exponent_unsigned: '1e3',
      o_octal: '0o17',
      quoted: 'yes',
      single: 'on',
      tagged: 'off',
      keep: true,
      list: [true, false, 'no'],
      on: 'a key stays a string',
    });
  });

  it('warns, at the value, wherever YAML 1.2 would have read it differently', () => {
    const got = parseYaml(text, file, YAML11).diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`);
    const lines = [2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14];
    expect(got).toEqual([...lines.map((l) => `warning yaml/yaml11-scalar ${l}:${text.split('\n')[l - 1]!.indexOf(':') + 3}`), 'warning yaml/yaml11-scalar 19:8', 'warning yaml/yaml11-scalar 19:12']);
    const yes = parseYaml(text, file, YAML11).diagnostics[0]!;
    expect(yes.message).toContain('true');
    expect(yes.hint).toContain('quote it');
  });

  it('reads YAML 1.2 without the option', () => {
    const src = parseYaml(text, file);
    expect(src.diagnostics).toEqual([]);
    expect((src.value as Record<string, unknown>).enabled).toBe('yes');
  });

  it('the quick reader agrees with the full one, and stays quick when nothing differs', () => {
    const quick = parseYamlQuick(text, file, YAML11);
    expect(quick.value).toEqual(parseYaml(text, file, YAML11).value);
    expect(quick.diagnostics.length).toBe(13);
    expect(mayReadDifferently('name: x\ndescription: "yes"\nmax: 32\nlist: [a, b]\n')).toBe(false);
    expect(mayReadDifferently('list: [a, yes]\n')).toBe(true);
  });

  it('follows PyYAML where the yaml package 1.1 schema does not', () => {
    expect(resolveYaml11('y')).toBe('y');
    expect(resolveYaml11('1.5e+3')).toBe(1500);
    expect(resolveYaml11('1.5e3')).toBe('1.5e3');
    expect(resolveYaml11('-1:30')).toBe(-90);
    expect(resolveYaml11('2024-01-05')).toBe('2024-01-05');
    expect(resolveYaml11('.Inf')).toBe(Infinity);
    expect(resolveYaml11('09')).toBe('09');
  });

  it('product files too: max_value: 32_767 is a number, as SURF reads it', () => {
    const text = 'name: thing\ntype: Thing\ntag: THING\nproduct_blocks:\n  - name: thing\n    type: Thing\n    fields:\n      - name: count\n        type: int\n        max_value: 32_767\n';
    const load = loadProductTexts([{ file: 'thing.yaml', text }], undefined, undefined);
    expect(load.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`)).toEqual(['warning yaml/yaml11-scalar 10:20']);
    expect(load.products!.blocks.get('Thing')!.fields[0]).toMatchObject({ maxValue: 32767 });
  });
});
