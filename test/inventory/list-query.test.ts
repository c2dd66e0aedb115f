import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { conditionTest, parseCondition, sortRows, type Row } from '../../src/core/inventory/list-query.js';
import { otterNetLoaded } from '../helpers/otter.js';
import { SVC_BIN, svc, TEST_ENV } from '../helpers/repo.js';

const row = (id: string, attributes: Row['attributes'], peers: Row['peers'] = {}): Row => ({ id, attributes, peers });
const rows = [row('a', { name: 'sw01', vlan_id: 900 }), row('b', { name: 'rt01', vlan_id: 1000 }, { device: [{ id: 'd1', label: 'sw01-par01' }] }), row('c', { name: 'sw02' })];
const keep = (arg: string, numeric = false) => rows.filter(conditionTest(parseCondition(arg), numeric)).map((r) => r.id);

describe('list conditions, sort (pure)', () => {
  it('compares numbers as numbers, text by regular expression, and != keeps what lacks the value', () => {
    expect(keep('vlan_id>=1000', true)).toEqual(['b']);
    expect(keep('vlan_id<1000', true)).toEqual(['a']);
    expect(keep('name~^sw')).toEqual(['a', 'c']);
    expect(keep('name!=sw01')).toEqual(['b', 'c']);
    // A relationship matches by the peer's label or id.
    expect(keep('device~par01')).toEqual(['b']);
    expect(keep('device=d1')).toEqual(['b']);
    expect(() => parseCondition('mtu')).toThrow(/expected key=value/);
    expect(() => keep('vlan_id>x', true)).toThrow(/vlan_id is a number/);
  });

  it('sorts numbers numerically, descending with -, absent values last', () => {
    const known = ['id', 'name', 'vlan_id'];
    expect(sortRows(rows, 'vlan_id', known).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(sortRows(rows, '-vlan_id', known).map((r) => r.id)).toEqual(['b', 'a', 'c']);
    expect(sortRows(rows, '-name', known).map((r) => r.id)).toEqual(['c', 'a', 'b']);
    expect(() => sortRows(rows, 'nmae', known)).toThrow(/no field "nmae"/);
  });
});

describe('svc list --filter/--sort/--limit/--fields and the pager', () => {
  it('filters beyond equality, sorts, limits and picks fields, in the table and in JSON', () => {
    const dir = otterNetLoaded();
    const t = svc(dir, ['list', 'DcimDevice', '--filter', 'name~^sw0', '--filter', 'location!=par01', '--sort', '-name', '--limit', '2', '--fields', 'name,location', '--format', 'table']);
    expect(t.stderr).toBe('');
    expect(t.stdout).toBe('name        location\n----------  --------\nsw02-par02  par02\nsw02-lys01  lys01\n2 of 10 objects (--limit)\n');
    const j = JSON.parse(svc(dir, ['list', 'CoreNumberPool', '--filter', 'end_range>=1999', '--fields', 'name']).stdout) as unknown[];
    expect(j).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{16}$/), kind: 'CoreNumberPool', hfid: ['Customer vlan pool'], name: 'Customer vlan pool' }]);
    const bad = svc(dir, ['list', 'DcimDevice', '--fields', 'name,rol']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[inventory/unknown-field]: --fields: no field "rol"');
  });

  it('pages through $PAGER on a terminal only', () => {
    const dir = otterNetLoaded();
    const env = { ...TEST_ENV, PAGER: 'sed s/^/paged:/' };
    const args = ['list', 'DcimDevice', '--fields', 'name', '--limit', '1', '--format', 'table'];
    const piped = svc(dir, args, { env: { PAGER: env.PAGER } });
    expect(piped.stdout).toBe('name\n----------\nrt01-ber01\n1 of 24 objects (--limit)\n');
    if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) {
      console.warn('script(1) is not installed: paging on a terminal is not checked');
      return;
    }
    // script(1) gives svc a terminal for standard output.
    const line = [process.execPath, SVC_BIN, ...args].map((a) => `'${a}'`).join(' ');
    const tty = spawnSync('script', ['-qec', line, '/dev/null'], { cwd: dir, env, encoding: 'utf8' });
    expect(tty.stdout.replace(/\r/g, '')).toBe('paged:name\npaged:----------\npaged:rt01-ber01\npaged:1 of 24 objects (--limit)\n');
    const off = spawnSync('script', ['-qec', `${line} --no-pager`, '/dev/null'], { cwd: dir, env, encoding: 'utf8' });
    expect(off.stdout).not.toContain('paged:');
  });
});
