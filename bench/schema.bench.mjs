// Schema load + check + resolve for a synthetic catalog of 300 node kinds (plus generics and
// extensions) spread over 30 files. Prints the cold first run (ajv compile included) and the median
// of warm runs. Target: well under a second.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeFileHost } from '../dist/adapters/fs.js';
import { loadSchemaPaths } from '../dist/core/schema/catalog-schema.js';

const FILES = 30;
const NODES_PER_FILE = 10;

function moduleYaml(f) {
  const ns = `Mod${String(f).padStart(2, '0')}`;
  const lines = ['version: "1.0"', 'generics:'];
  lines.push(
    `  - name: Base`,
    `    namespace: ${ns}`,
    `    human_friendly_id: [name__value]`,
    `    attributes:`,
    `      - { name: name, kind: Text, unique: true }`,
    `      - { name: description, kind: Text, optional: true }`,
    `      - name: status`,
    `        kind: Dropdown`,
    `        default_value: active`,
    `        choices: [{ name: active, color: "#00d25b" }, { name: retired, color: "#e04040" }]`,
    `    relationships:`,
    `      - { name: tags, peer: BuiltinTag, kind: Attribute, cardinality: many, optional: true }`,
  );
  lines.push('nodes:');
  for (let n = 0; n < NODES_PER_FILE; n++) {
    const next = `${ns}Thing${(n + 1) % NODES_PER_FILE}`;
    const prev = (n + NODES_PER_FILE - 1) % NODES_PER_FILE;
    lines.push(
      `  - name: Thing${n}`,
      `    namespace: ${ns}`,
      `    inherit_from: [${ns}Base]`,
      `    uniqueness_constraints: [[owner, name__value]]`,
      `    order_by: [owner__name__value, name__value]`,
      `    attributes:`,
      `      - { name: size, kind: Number, default_value: 10, parameters: { min_value: 1, max_value: 100 } }`,
      `      - { name: code, kind: Text, optional: true, regex: "^[A-Z]{3}[0-9]+$" }`,
      `      - { name: enabled, kind: Boolean, default_value: true }`,
      `    relationships:`,
      `      - { name: owner, peer: ${next}, kind: Attribute, cardinality: one, optional: true, identifier: ${ns.toLowerCase()}_thing${n}__owner }`,
      `      - { name: owned, peer: ${ns}Thing${prev}, kind: Generic, cardinality: many, optional: true, identifier: ${ns.toLowerCase()}_thing${prev}__owner }`,
    );
  }
  if (f > 0) {
    const prev = `Mod${String(f - 1).padStart(2, '0')}Thing0`;
    lines.push('extensions:', '  nodes:', `    - kind: ${prev}`, '      attributes:', `        - { name: ext_${f}, kind: Text, optional: true }`);
  }
  return `${lines.join('\n')}\n`;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(log) {
  const dir = mkdtempSync(join(tmpdir(), 'svc-bench-schema-'));
  try {
    mkdirSync(join(dir, 'schemas'));
    for (let f = 0; f < FILES; f++) writeFileSync(join(dir, 'schemas', `mod${f}.yml`), moduleYaml(f));
    const once = () => {
      const t = performance.now();
      const load = loadSchemaPaths([join(dir, 'schemas')], nodeFileHost, dir);
      return { ms: performance.now() - t, load };
    };
    const cold = once();
    const errors = cold.load.diagnostics.filter((d) => d.severity === 'error');
    const kinds = cold.load.schema ? [...cold.load.schema.kinds.values()].filter((k) => !k.builtin) : [];
    log(`catalog: ${FILES} files, ${kinds.filter((k) => !k.isGeneric).length} node kinds, ${kinds.filter((k) => k.isGeneric).length} generics, ${errors.length} errors`);
    if (errors.length) log(`first error: ${errors[0].file}:${errors[0].line} ${errors[0].code} ${errors[0].message}`);
    const warm = [];
    for (let i = 0; i < 7; i++) warm.push(once().ms);
    const m = median(warm);
    log(`load + check + resolve, cold (incl. ajv compile): ${cold.ms.toFixed(1)} ms`);
    log(`load + check + resolve, warm median of 7:       ${m.toFixed(1)} ms  (${(1000 / m).toFixed(1)}x under the 1 s budget)`);
    log(`per node kind: ${(m / (FILES * NODES_PER_FILE)).toFixed(3)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
