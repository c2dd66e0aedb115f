import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, svc, tempDir } from '../helpers/repo.js';
import { json, NOW, otterNet, request, snapshot, type Created } from '../request/helpers.js';

const DIA = ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json'];
const merge = (dir: string, branch: string) => git(dir, 'merge', '-q', '--no-ff', '-m', `merge ${branch}`, branch);
const PORT = 'inventory/DcimInterfaceL2/sw01-par01/ethernet1-1~12804403.json';

describe('changes that would silently undo others', () => {
  it('a load over fields a generator set is refused, field by field; --overwrite-generated loads them', () => {
    const dir = otterNet();
    merge(dir, json<Created>(request(dir, DIA)).branch);
    expect(JSON.parse(readFileSync(join(dir, PORT), 'utf8'))).toMatchObject({ status: 'active', enabled: true });
    const before = snapshot(dir);
    // The bootstrap file still says every customer port is free and shut.
    const r = svc(dir, ['load', 'bootstrap/02_devices.yml'], { env: NOW });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bootstrap/02_devices.yml:25:21: error[load/overwrites-generated]: DcimInterfaceL2 "sw01-par01 / Ethernet1/1": status: "active" → "free" would replace what generator dedicated_internet for ProductDedicatedInternet dia-0001 set');
    expect(r.stderr).toContain('enabled: true → false would replace');
    expect(r.stderr).toContain('error[load/overwrites-generated]: the files would undo 2 changes that generators or open requests made: nothing was loaded');
    expect(r.stderr).toContain('--overwrite-generated');
    expect(snapshot(dir)).toBe(before);
    // Files that leave the generator's fields alone load as before.
    expect(svc(dir, ['load', 'bootstrap/01_locations.yml'], { env: NOW }).code).toBe(0);
    const forced = svc(dir, ['load', 'bootstrap/02_devices.yml', '--overwrite-generated'], { env: NOW });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('warning[load/overwrites-generated]');
    expect(JSON.parse(readFileSync(join(dir, PORT), 'utf8'))).toMatchObject({ status: 'free', enabled: false });
  });

  it('a load that changes an object an open request has claimed is refused, naming the request', () => {
    const dir = otterNet();
    const created = json<Created>(request(dir, DIA));
    const file = join(tempDir(), 'port.yml');
    writeFileSync(file, 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: DcimInterfaceL2\n  data:\n    - name: Ethernet1/1\n      device: sw01-par01\n      description: relabelled\n');
    const before = snapshot(dir);
    const r = svc(dir, ['load', file], { env: NOW });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[load/overwrites-held]: DcimInterfaceL2 "sw01-par01 / Ethernet1/1": changes an object the open request ${created.branch} has claimed`);
    expect(snapshot(dir)).toBe(before);
    // Another port, which no request holds, loads.
    writeFileSync(file, readFileSync(file, 'utf8').replace('Ethernet1/1', 'Ethernet1/8'));
    expect(svc(dir, ['load', file], { env: NOW }).code).toBe(0);
  });

  it('a second operation on a subscription with an open one is refused, naming it and how to go on', () => {
    const dir = otterNet();
    merge(dir, json<Created>(request(dir, DIA)).branch);
    const modify = json<Created>(request(dir, ['modify', 'dia-0001', '--set', 'ip_package=large', '--format', 'json']));
    const before = snapshot(dir);
    const t = request(dir, ['terminate', 'dia-0001']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('error[request/operation-open]: dia-0001 already has an open modify request, dia-0001-modify-1 (branch request/dia-0001-modify-1)');
    expect(t.stderr).toContain('svc request abandon dia-0001-modify-1');
    expect(t.stderr).toContain('merge request/dia-0001-modify-1 first');
    expect(request(dir, ['modify', 'dia-0001', '--set', 'ip_package=medium']).code).toBe(2);
    expect(snapshot(dir)).toBe(before);
    // Once the first is merged, the next starts from it, and both merge without a conflict.
    merge(dir, modify.branch);
    const term = json<Created>(request(dir, ['terminate', 'dia-0001', '--format', 'json']));
    merge(dir, term.branch);
    expect(JSON.parse(readFileSync(join(dir, 'inventory/ProductDedicatedInternet/dia-0001.json'), 'utf8'))).toMatchObject({ status: 'terminated' });
  });
});
