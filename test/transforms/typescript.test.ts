import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, svc, writeTree } from '../helpers/repo.js';
import { queryWorld } from '../query/world.js';

const example = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');

const CONFIG = `typescript_transforms:
  - name: device_json
    file_path: transforms/device_json.ts
    query: device_config
artifact_definitions:
  - name: device_json
    artifact_name: device-json
    targets: DcimDevice
    parameters:
      device: name__value
    content_type: application/json
    transformation: device_json
`;

describe('typescript_transforms', () => {
  it('an artifact rendered by a sandboxed transform(data): JSON out, one file per target; a throw names the line', () => {
    const base = example('.orchestrator.yml').replace(/^artifact_definitions:[\s\S]*?(?=^check_definitions:)/m, '');
    const dir = queryWorld('ts-transform', {
      '.orchestrator.yml': base + CONFIG,
      'transforms/device_json.ts': `export function transform(data: any) {
  const d = data.DcimDevice.edges[0].node;
  return { hostname: d.name.value, interfaces: d.interfaces.edges.map((e: any) => e.node.name.value) };
}\n`,
    });
    const r = svc(dir, ['render']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created  artifacts/device-json/rt01-par01.json\n');
    const rt = JSON.parse(readFileSync(join(dir, 'artifacts/device-json/rt01-par01.json'), 'utf8')) as { hostname: string; interfaces: string[] };
    expect(rt.hostname).toBe('rt01-par01');
    expect(rt.interfaces).toContain('Loopback0');
    expect(svc(dir, ['render', '--check']).code).toBe(0);

    writeTree(dir, { 'transforms/device_json.ts': 'export function transform(data: any) {\n  return data.Nothing.edges;\n}\n' });
    const bad = svc(dir, ['render']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/transform device_json failed at transforms\/device_json\.ts:2:\d+/);
  });
});
