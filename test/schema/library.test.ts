import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { builtinSchemaFiles } from '../../src/core/schema/builtin.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import { checkSchema } from '../../src/core/schema/check.js';
import { describeKind } from '../../src/core/schema/describe.js';
import { resolveSchema } from '../../src/core/schema/resolve.js';
import { checkStructure } from '../../src/core/schema/structure.js';
import { PROJECT_ROOT, tempDir, writeTree } from '../helpers/repo.js';

const library = join(PROJECT_ROOT, 'test/fixtures/schema/library');

describe('the built-in base schema', () => {
  it('passes its own structure and meaning checks', () => {
    const files = builtinSchemaFiles();
    expect(files[0]!.source.diagnostics).toEqual([]);
    expect(checkStructure(files[0]!.source).diagnostics).toEqual([]);
    expect(checkSchema(files, resolveSchema(files))).toEqual([]);
  });

  it('provides the kinds real schema files refer to, marked builtin', () => {
    const schema = resolveSchema(builtinSchemaFiles());
    for (const k of ['CoreNode', 'LineageOwner', 'LineageSource', 'BuiltinTag', 'BuiltinIPNamespace', 'IpamNamespace', 'BuiltinIPPrefix', 'BuiltinIPAddress',
      'CoreAccount', 'CoreGenericAccount', 'CoreArtifactTarget', 'CoreFileObject', 'CoreGroup', 'CoreStandardGroup', 'CoreGeneratorGroup',
      'CoreResourcePool', 'CoreNumberPool', 'CoreIPPrefixPool', 'CoreIPAddressPool', 'CoreProfile', 'CoreMenuItem']) {
      expect(schema.get(k)?.builtin, k).toBe(true);
    }
    const names = (k: string) => schema.get(k)!.attributes.map((a) => a.name).sort();
    expect(names('CoreNumberPool')).toEqual(['description', 'end_range', 'excluded_values', 'name', 'node', 'node_attribute', 'start_range']);
    expect(schema.get('CoreIPPrefixPool')!.relationships.find((r) => r.name === 'resources')).toMatchObject({ peer: 'BuiltinIPPrefix', cardinality: 'many' });
    expect(names('CoreIPAddressPool')).toEqual(['default_address_type', 'default_prefix_length', 'description', 'name']);
  });
});

describe('files in the style of the public schema-library', () => {
  const load = loadSchemaPaths([library], nodeFileHost, library);

  it('load together with the built-ins with no errors and no warnings', () => {
    expect(load.diagnostics).toEqual([]);
    expect(load.fileCount).toBe(6);
    expect(load.schema).toBeDefined();
  });

  it('flatten generic chains, keeping where each item came from', () => {
    const device = describeKind(load.schema!, 'DcimDevice');
    const origin = (n: string) => device.attributes.find((a) => a.name === n)?.origin;
    expect(origin('name')).toMatchObject({ type: 'own', at: 'base/dcim.yml:148:9' });
    expect(origin('status')).toMatchObject({ type: 'inherited', generic: 'DcimNode' });
    expect(origin('asset_tag')).toMatchObject({ type: 'inherited', generic: 'DcimHardware' });
    expect(load.schema!.isA('DcimDevice', 'DcimHardware')).toBe(true);
    expect(load.schema!.concreteKinds('DcimHardware')).toEqual(['DcimDevice', 'DcimPatch']);
  });

  it('merge extensions into existing and built-in kinds, saying which file added them', () => {
    const port = describeKind(load.schema!, 'DcimPort');
    expect(port.attributes.find((a) => a.name === 'circuit_label')?.origin).toMatchObject({ type: 'extension', file: 'extensions/circuit.yml' });
    expect(port.relationships.find((r) => r.name === 'circuit_endpoint')).toMatchObject({ peer: 'CircuitEndpoint', direction: 'inbound', identifier: 'endpoint__port' });
    expect(load.schema!.get('BuiltinTag')!.attributes.map((a) => a.name)).toContain('color');
  });

  it('give hierarchy members implicit parent and children relationships', () => {
    const site = load.schema!.get('LocationSite')!;
    expect(site.hierarchy).toBe('LocationPlace');
    expect(site.relationships.find((r) => r.name === 'parent')).toMatchObject({ peer: 'LocationMetro', cardinality: 'one', kind: 'Hierarchy', inherited_from: 'LocationPlace' });
    expect(load.schema!.get('LocationMetro')!.relationships.find((r) => r.name === 'children')).toMatchObject({ peer: 'LocationSite', cardinality: 'many' });
  });

  it('drop items with state: absent', () => {
    expect(load.schema!.get('PoolSnapshot')!.attributes.map((a) => a.name)).not.toContain('legacy');
  });
});

describe('structure first, then meaning', () => {
  it('a file whose structure fails is still checked for meaning, without follow-on noise', () => {
    const dir = tempDir();
    const text = [
      'version: "1.0"',
      'nodes:',
      '  - name: Device',
      '    namespace: Test',
      '    human_friendly_id: [hostname__value]',
      '    attributes:',
      '      - name: hostname',
      '        kind: Txt',
      '        default_value: 12',
      '      - kind: Text',
      '    relationships:',
      '      - name: site',
      '        peer: TestDevize',
      '        cardinality: uno',
      '',
    ].join('\n');
    writeTree(dir, { 'device.yml': text });
    const load = loadSchemaPaths([join(dir, 'device.yml')], nodeFileHost, dir);
    expect(load.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([
      // The attribute of unknown kind stays (as Any): the hfid through it and its default are not reported again.
      'schema/invalid-value 8:15',
      'schema/missing-key 10:9',
      'schema/unknown-peer 13:15',
      'schema/invalid-value 14:22',
    ]);
    expect(readFileSync(join(dir, 'device.yml'), 'utf8')).toBe(text);
  });

  it('duplicate kinds are found across files', () => {
    const dir = tempDir();
    writeTree(dir, {
      'a.yml': 'version: "1.0"\nnodes:\n  - name: Device\n    namespace: Test\n',
      'b.yml': 'version: "1.0"\nnodes:\n  - name: Other\n    namespace: Test\n  - name: Device\n    namespace: Test\n',
    });
    const load = loadSchemaPaths([dir], nodeFileHost, dir);
    expect(load.diagnostics).toHaveLength(1);
    expect(load.diagnostics[0]).toMatchObject({ code: 'schema/duplicate-kind', file: 'b.yml', line: 5, column: 11, subject: 'TestDevice' });
    expect(load.diagnostics[0]!.hint).toContain('a.yml:3:5');
  });

  it('an extension may not redeclare a name the kind already has', () => {
    const dir = tempDir();
    writeTree(dir, {
      'a.yml': 'version: "1.0"\nnodes:\n  - name: Device\n    namespace: Test\n    attributes:\n      - name: hostname\n        kind: Text\n',
      'b.yml': 'version: "1.0"\nextensions:\n  nodes:\n    - kind: TestDevice\n      attributes:\n        - name: hostname\n          kind: Text\n',
    });
    const load = loadSchemaPaths([dir], nodeFileHost, dir);
    expect(load.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual(['b.yml:6:17 schema/duplicate-name']);
    expect(load.diagnostics[0]!.key).toBe('attributes.hostname.name');
  });

  it('Python regex syntax used by Infrahub schemas compiles', () => {
    const dir = tempDir();
    writeTree(dir, {
      'a.yml': 'version: "1.0"\nnodes:\n  - name: Device\n    namespace: Test\n    attributes:\n      - name: hostname\n        kind: Text\n        default_value: r1\n        regex: "(?P<role>[a-z]+)(?P=role)?[0-9]+"\n',
    });
    expect(loadSchemaPaths([dir], nodeFileHost, dir).diagnostics).toEqual([]);
  });
});
