import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, git, svc } from '../helpers/repo.js';
import { otterNetLoaded } from '../helpers/otter.js';
import { queryWorld } from '../query/world.js';

const example = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');

/** Otter-net as shipped (its query, template and artifact definition), with two addresses loaded. */
const world = () => queryWorld('render', { 'queries/device_config.gql': example('queries/device_config.gql'), 'templates/device_config.j2': example('templates/device_config.j2') });

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const cfgs = (dir: string) => readdirSync(join(dir, 'artifacts/device-config')).sort();

describe('svc render', () => {
  it('writes one file per target, deterministically, and --check passes once they are committed', () => {
    const dir = world();
    const r = svc(dir, ['render']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created  artifacts/device-config/rt01-par01.cfg\n');
    expect(r.stdout).toContain('24 artifact files: 24 written or deleted');
    expect(cfgs(dir)).toHaveLength(24);
    const rt = read(dir, 'artifacts/device-config/rt01-par01.cfg');
    expect(rt).toMatch(/^hostname rt01-par01\n! Edge router 1 at par01 \(edge\), site par01, Paris\n\ninterface Ethernet1\/1\n {2}description Downlink to sw01-par01\n {2}speed 100g\n {2}ip address 10\.0\.0\.1\/31\n {2}no shutdown\n!\n/);
    expect(rt).toContain('interface Loopback0\n  ip address 10.255.0.1/32\n');
    // The shipped example's committed files are what svc renders from the same data.
    expect(read(dir, 'artifacts/device-config/sw01-par01.cfg')).toBe(example('artifacts/device-config/sw01-par01.cfg'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'artifacts');
    const again = svc(dir, ['render', '--format', 'json']);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.artifacts.every((a: { state: string }) => a.state === 'unchanged')).toBe(true);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const check = svc(dir, ['render', '--check']);
    expect([check.code, check.stdout]).toEqual([0, '24 artifact files up to date\n']);
  });

  it('--check exits 1 on a stale, missing or orphaned artifact and writes nothing; render then fixes exactly those', () => {
    const dir = world();
    svc(dir, ['render']);
    const device = join(dir, 'inventory/DcimDevice/sw01-par01.json');
    writeFileSync(device, read(dir, 'inventory/DcimDevice/sw01-par01.json').replace('Core switch 1 at par01', 'Core switch 1 at par01, rack 4'));
    writeFileSync(join(dir, 'artifacts/device-config/gone-par09.cfg'), 'hostname gone-par09\n');
    const before = read(dir, 'artifacts/device-config/sw01-par01.cfg');
    const check = svc(dir, ['render', '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('orphaned artifacts/device-config/gone-par09.cfg\nstale    artifacts/device-config/sw01-par01.cfg\n2 of 25 artifact files differ from what the inventory renders: run `svc render` and commit them\n');
    expect(read(dir, 'artifacts/device-config/sw01-par01.cfg')).toBe(before);
    expect(cfgs(dir)).toContain('gone-par09.cfg');
    const fix = svc(dir, ['render']);
    expect(fix.stdout).toBe('deleted  artifacts/device-config/gone-par09.cfg\nupdated  artifacts/device-config/sw01-par01.cfg\n24 artifact files: 2 written or deleted\n');
    expect(read(dir, 'artifacts/device-config/sw01-par01.cfg')).toContain('! Core switch 1 at par01, rack 4 (core)');
    expect(svc(dir, ['render', '--check']).code).toBe(0);
  });

  it('--target renders one target; --definition and --target that match nothing are usage errors', () => {
    const dir = world();
    const one = svc(dir, ['render', '--target', 'sw02-fra01']);
    expect([one.code, one.stdout]).toEqual([0, 'created  artifacts/device-config/sw02-fra01.cfg\n1 artifact file: 1 written or deleted\n']);
    expect(cfgs(dir)).toEqual(['sw02-fra01.cfg']);
    const d = svc(dir, ['render', '--definition', 'device_conf']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('no artifact definition "device_conf"');
    expect(d.stderr).toContain('device_config');
    const t = svc(dir, ['render', '--target', 'sw09-par01']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('no target "sw09-par01"');
  });

  it('refuses JSON that does not parse and a broken template, writing nothing', () => {
    // Inserted into the lists, not appended: the example's file ends with another key.
    const config = example('.orchestrator.yml').replace('artifact_definitions:\n', `artifact_definitions:
  - name: device_json
    artifact_name: device-json
    targets: DcimDevice
    parameters: { device: name__value }
    content_type: application/json
    transformation: device_json
`).replace('jinja2_transforms:\n', 'jinja2_transforms:\n  - { name: device_json, query: device_config, template_path: templates/device.json.j2 }\n');
    const dir = queryWorld('render-json', {
      '.orchestrator.yml': config,
      'queries/device_config.gql': example('queries/device_config.gql'),
      'templates/device_config.j2': example('templates/device_config.j2'),
      'templates/device.json.j2': '{"name": "{{ data.DcimDevice.edges[0].node.name.value }}", }\n',
    });
    const r = svc(dir, ['render']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[render/not-json]: artifact "device-json" for rt01-ber01: the template did not render JSON');
    expect(readdirSync(dir)).not.toContain('artifacts');
    writeFileSync(join(dir, 'templates/device.json.j2'), '{{ data.DcimDevice.edges[0].node.name.value | nosuchfilter }}');
    const t = svc(dir, ['render', '--definition', 'device_json']);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/error\[render\/template\]: templates\/device\.json\.j2: .*nosuchfilter/);
    writeFileSync(join(dir, 'templates/device.json.j2'), '{{ data.DcimDevice.edges[0].node | tojson }}');
    const ok = svc(dir, ['render', '--definition', 'device_json', '--target', 'sw01-par01']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(read(dir, 'artifacts/device-json/sw01-par01.json')).name).toEqual({ value: 'sw01-par01' });
  });

  it('the example\'s committed artifacts are what its bootstrap inventory renders', () => {
    const files: Record<string, string> = { 'queries/device_config.gql': example('queries/device_config.gql'), 'templates/device_config.j2': example('templates/device_config.j2') };
    for (const f of readdirSync(join(PROJECT_ROOT, 'artifacts/device-config'))) files[`artifacts/device-config/${f}`] = example(`artifacts/device-config/${f}`);
    const dir = otterNetLoaded('render-example', files);
    const r = svc(dir, ['render', '--check']);
    expect([r.code, r.stdout]).toEqual([0, '24 artifact files up to date\n']);
  });

  it('checks the references between queries, transforms and artifact definitions (exit 2, with the line)', () => {
    const dir = world();
    writeFileSync(join(dir, '.orchestrator.yml'), example('.orchestrator.yml').replace('    query: device_config', '    query: device_cfg'));
    const r = svc(dir, ['render']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.orchestrator\.yml:\d+:\d+: error\[config\/unknown-query\]: jinja2 transform "device_config": no query "device_cfg"/);
  });
});
