import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { otterNetLoaded } from '../helpers/otter.js';
import { PROJECT_ROOT, git, svc, writeTree, type FileTree } from '../helpers/repo.js';
import { json, request, snapshot, type Created } from '../request/helpers.js';

const example = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
const shipped: FileTree = {
  'queries/device_config.gql': example('queries/device_config.gql'),
  'queries/service_ports.gql': example('queries/service_ports.gql'),
  'templates/device_config.j2': example('templates/device_config.j2'),
  'checks/unique_customer_port.ts': example('checks/unique_customer_port.ts'),
};

/** Otter-net as shipped, plus `config` appended to its .orchestrator.yml and `files`. */
function otter(name: string, config = '', files: FileTree = {}): string {
  return otterNetLoaded(`checks-${name}`, { ...shipped, ...files, '.orchestrator.yml': example('.orchestrator.yml') + config });
}

const DEVICE_QUERY = `query D($device: String!) { DcimDevice(name__value: $device) { edges { node { id name { value } } } } }\n`;

interface Report {
  ok: boolean;
  checked: Record<string, number>;
  diagnostics: { severity: string; code: string; message: string; file?: string; line?: number; subject?: string }[];
}

describe('check_definitions', () => {
  it('the shipped check passes on Otter-net in svc validate and lets a request through', () => {
    const dir = otter('shipped');
    const v = svc(dir, ['validate', '--format', 'json']);
    expect(v.stderr).toBe('');
    const report = JSON.parse(v.stdout) as Report;
    expect([v.code, report.ok, report.checked['checks']]).toEqual([0, true, 1]);
    expect(report.diagnostics.filter((d) => d.code.startsWith('check'))).toEqual([]);
    const r = json<Created>(request(dir, ['create', 'dedicated internet 100', '--customer', 'initech', '--set', 'site=par01', '--set', 'ip_package=small', '--id', 'initech-1', '--format', 'json']));
    expect(r.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('findings per target show in every format (GitHub annotations on the object\'s file); an error fails validate', () => {
    const config = `  - name: device_names
    file_path: checks/device_names.ts
    query: one_device
    targets: DcimDevice
    parameters:
      device: name__value
  - name: always
    file_path: checks/always.ts
`;
    const dir = otter('targets', config, {
      'queries/one_device.gql': DEVICE_QUERY,
      'checks/device_names.ts': `export function check(data: any) {
  const d = data.DcimDevice.edges[0].node;
  return d.name.value === 'sw01-par01' ? [{ severity: 'warning', message: 'sw01-par01 is due for replacement', object: d }] : [];
}\n`,
      'checks/always.ts': `export default function (): { severity: 'error'; message: string }[] { return [{ severity: 'error', message: 'not on a Friday' }]; }\n`,
    });
    // The query is declared next to the shipped ones.
    writeTree(dir, { '.orchestrator.yml': readFileSync(join(dir, '.orchestrator.yml'), 'utf8').replace('queries:\n', 'queries:\n  - name: one_device\n    file_path: queries/one_device.gql\n') });
    const v = svc(dir, ['validate', '--format', 'json']);
    expect(v.code).toBe(1);
    const report = JSON.parse(v.stdout) as Report;
    const found = report.diagnostics.filter((d) => d.code.startsWith('check/'));
    expect(found).toEqual([
      { severity: 'error', code: 'check/always', message: 'not on a Friday', file: 'checks/always.ts' },
      { severity: 'warning', code: 'check/device_names', message: 'sw01-par01 is due for replacement', file: 'inventory/DcimDevice/sw01-par01.json', subject: expect.any(String) },
    ]);
    const gh = svc(dir, ['validate', '--format', 'github']);
    expect(gh.stdout).toContain('::warning file=inventory/DcimDevice/sw01-par01.json,title=check/device_names::sw01-par01 is due for replacement\n');
    expect(gh.stdout).toContain('::error file=checks/always.ts,title=check/always::not on a Friday\n');
    const text = svc(dir, ['validate']);
    expect(text.stdout).toContain('error[check/always]: not on a Friday');
  });

  it('an error finding refuses a request with the check\'s message, and nothing is written', () => {
    const dir = otter('refuse', `  - name: one_service_per_site
    file_path: checks/one_per_site.ts
    query: service_ports
`, {
      'checks/one_per_site.ts': `export function check(data: any) {
  return data.BlockDedicatedInternet.edges.map((e: any) => ({ severity: 'error', message: \`\${e.node.subscription.node.subscription_id.value} is on hold: the site is full\`, object: e.node.id }));
}\n`,
    });
    // Nothing to find before the request: validate passes.
    expect(svc(dir, ['validate']).code).toBe(0);
    const before = snapshot(dir);
    const r = request(dir, ['create', 'dedicated internet 100', '--customer', 'initech', '--set', 'site=par01', '--set', 'ip_package=small', '--id', 'initech-1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/one_service_per_site refused the request: \S+ is on hold: the site is full/);
    expect(snapshot(dir)).toBe(before);
    expect(git(dir, 'branch', '--list')).not.toContain('initech');
  });

  it('a check that throws, loops or returns nonsense is a clear error, in validate and in a request', () => {
    const dir = otter('broken', `  - name: broken
    file_path: checks/broken.ts
generator_limits:
  cpu_seconds: 0.5
`, {
      'checks/broken.ts': `export function check(data: unknown) {\n  const ports = (data as any).nothing.here;\n  return ports;\n}\n`,
    });
    const thrown = JSON.parse(svc(dir, ['validate', '--format', 'json']).stdout) as Report;
    expect(thrown.ok).toBe(false);
    expect(thrown.diagnostics.find((d) => d.code === 'checks/failed')).toMatchObject({ file: 'checks/broken.ts', line: 2, message: expect.stringMatching(/^check broken failed at checks\/broken\.ts:2:\d+: .*undefined/) });

    writeTree(dir, { 'checks/broken.ts': 'export function check() {\n  for (;;) {}\n}\n' });
    const looped = svc(dir, ['validate', '--format', 'json']);
    expect(looped.code).toBe(1);
    expect((JSON.parse(looped.stdout) as Report).diagnostics.find((d) => d.code === 'checks/timeout')?.message).toMatch(/check broken \(checks\/broken\.ts\) was stopped: it used more than its 0\.5 s of CPU time/);

    writeTree(dir, { 'checks/broken.ts': 'export function check() {\n  return "all good";\n}\n' });
    const before = snapshot(dir);
    const r = request(dir, ['create', 'dedicated internet 100', '--customer', 'initech', '--set', 'site=par01', '--set', 'ip_package=small', '--id', 'initech-1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('check broken returned a string, not a list of findings');
    expect(snapshot(dir)).toBe(before);
  });
});
