import { describe, expect, it } from 'vitest';
import { Templates } from '../../src/core/render/jinja.js';
import { SvcError } from '../../src/core/errors.js';

const render = (src: string, data: unknown, files: Record<string, string> = {}) => new Templates((n) => ({ 't.j2': src, ...files })[n]).render('t.j2', { data });

// The shape a device query returns, as Infrahub answers it.
const device = {
  DcimDevice: {
    edges: [
      {
        node: {
          name: { value: 'sw01-par01' },
          role: { value: 'core' },
          interfaces: {
            edges: [
              { node: { name: { value: 'Ethernet1/1' }, role: { value: 'customer' }, enabled: { value: false }, description: { value: null } } },
              { node: { name: { value: 'Ethernet1/49' }, role: { value: 'backbone' }, enabled: { value: true }, description: { value: 'Uplink' } } },
              { node: { name: { value: 'Ethernet1/50' }, role: { value: 'backbone' }, enabled: { value: true }, description: { value: 'Uplink' } } },
            ],
          },
        },
      },
    ],
  },
};

describe('Jinja2 templates (nunjucks with Jinja2\'s behaviour)', () => {
  it('renders {% set %}, whitespace control, loops over edges, and drops the last newline as Jinja2 does', () => {
    const src = [
      '{# a comment line leaves no line behind, as in Jinja2 #}',
      '  {# nor an indented one #}',
      '{% set d = data.DcimDevice.edges[0].node %}',
      'hostname {{ d.name.value }}',
      '{% for e in d.interfaces.edges %}',
      '{%- set i = e.node %}',
      'interface {{ i.name.value }}',
      '{% if i.description.value %}',
      '  description {{ i.description.value }}',
      '{% endif %}',
      '  {{ "no shutdown" if i.enabled.value else "shutdown" }}',
      '{% endfor %}',
      '',
    ].join('\n');
    expect(render(src, device)).toBe(['hostname sw01-par01', 'interface Ethernet1/1', '  shutdown', 'interface Ethernet1/49', '  description Uplink', '  no shutdown', 'interface Ethernet1/50', '  description Uplink', '  no shutdown', ''].join('\n'));
  });

  it('has the filters Infrahub templates use: map(attribute=), join, selectattr with a test, unique, sort(attribute=), groupby, tojson', () => {
    const p = '{% set ifs = data.DcimDevice.edges[0].node.interfaces.edges | map(attribute="node") | list %}';
    expect(render(`${p}{{ ifs | map(attribute="name.value") | join(", ") }}`, device)).toBe('Ethernet1/1, Ethernet1/49, Ethernet1/50');
    expect(render(`${p}{{ ifs | selectattr("role.value", "equalto", "backbone") | map(attribute="name.value") | join(",") }}`, device)).toBe('Ethernet1/49,Ethernet1/50');
    expect(render(`${p}{{ ifs | rejectattr("enabled.value") | map(attribute="name.value") | join(",") }}`, device)).toBe('Ethernet1/1');
    expect(render(`${p}{{ ifs | map(attribute="role.value") | unique | join(",") }}`, device)).toBe('customer,backbone');
    expect(render(`${p}{{ ifs | sort(attribute="name.value", reverse=true) | map(attribute="name.value") | first }}`, device)).toBe('Ethernet1/50');
    expect(render(`${p}{% for role, items in ifs | groupby("role.value") %}{{ role }}={{ items | length }};{% endfor %}`, device)).toBe('backbone=2;customer=1;');
    expect(render(`${p}{{ ifs | map(attribute="name.value") | map("lower") | join(" ") }}`, device)).toBe('ethernet1/1 ethernet1/49 ethernet1/50');
    expect(render('{{ data | tojson }}', { a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(render('{{ "%s-%03d" | format("vlan", 7) }}', {})).toBe('vlan-007');
    expect(render('{{ data.items() | list | length }} {{ data.get("a") }} {{ "A,B".lower().split(",") | join("+") }}', { a: 1, b: 2 })).toBe('2 1 a+b');
    expect(render('{{ data | map(attribute="n") | max }}', [{ n: 3 }, { n: 9 }, { n: 4 }])).toBe('9');
  });

  it('includes other templates from the catalog, and names the template of an error', () => {
    expect(render('{% include "part.j2" %}!', { x: 1 }, { 'part.j2': '{{ data.x }}\n' })).toBe('1!');
    let e: unknown;
    try {
      render('{% for x in %}', {});
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(SvcError);
    expect((e as SvcError).code).toBe('render/template');
    expect((e as SvcError).message).toMatch(/^t\.j2: .*Line 1/);
  });
});
