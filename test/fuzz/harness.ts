import fc from 'fast-check';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { SvcError } from '../../src/core/errors.js';

/**
 * The fuzzing harness: what a parser may do with any input (return findings, or throw one of svc's
 * typed errors) and the inputs to try (YAML-ish text, and real documents made wrong in a few places).
 *
 * `npm test` runs RUNS cases per parser with a fixed seed, so a run is reproducible; `npm run fuzz`
 * sets FUZZ_RUNS (and a random seed unless FUZZ_SEED is set) and prints what each parser did.
 */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261201;
const REPORT = process.env.FUZZ_RUNS !== undefined;

export type Outcome = 'clean' | 'findings' | 'refused';
const SEVERITIES = new Set(['error', 'warning', 'info']);

/** A finding svc can print: a known severity, a code, a message, and a position that is one. */
export function expectWellFormed(d: Diagnostic): void {
  expect(SEVERITIES.has(d.severity), JSON.stringify(d)).toBe(true);
  expect(d.code, JSON.stringify(d)).toMatch(/^[a-z][\w-]*\/[\w-]+$/);
  expect(typeof d.message === 'string' && d.message.length > 0, JSON.stringify(d)).toBe(true);
  for (const n of [d.line, d.column]) if (n !== undefined) expect(Number.isInteger(n) && n >= 1, JSON.stringify(d)).toBe(true);
}

/**
 * Run `parse` on one input: findings are checked, a typed error is an answer, anything else (a
 * TypeError, a RangeError: what the CLI prints as "internal error" with a stack) fails the property.
 */
export function classify(parse: () => readonly Diagnostic[] | void): Outcome {
  try {
    const found = parse() ?? [];
    for (const d of found) expectWellFormed(d);
    return found.some((d) => d.severity === 'error') ? 'findings' : 'clean';
  } catch (e) {
    if (e instanceof SvcError) {
      for (const d of e.diagnostics) expectWellFormed(d);
      return 'refused';
    }
    throw e;
  }
}

/** fc.assert with the file's run count and seed; counts the outcomes and prints them in a fuzz run. */
export function fuzz<T>(name: string, arb: fc.Arbitrary<T>, parse: (input: T) => readonly Diagnostic[] | void, runs = RUNS): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { clean: 0, findings: 0, refused: 0 };
  fc.assert(
    fc.property(arb, (input) => {
      counts[classify(() => parse(input))]++;
    }),
    { numRuns: runs, ...(SEED !== undefined ? { seed: SEED } : {}) },
  );
  if (REPORT) console.log(`fuzz ${name}: ${runs} cases: ${counts.clean} clean, ${counts.findings} with findings, ${counts.refused} refused with a typed error, 0 crashes`);
  return counts;
}

const TOKENS = [
  'a', 'name', 'kind', 'nodes', 'attributes', 'relationships', 'spec', 'data', 'product_blocks', 'fields', 'schemas', 'version',
  ' ', '  ', '\n', '\n  ', '\n    ', '- ', ': ', ':', '[', ']', '{', '}', ',', '"', "'", '#', '&a ', '*a', '<<: *a', '!!str ', '!!int ',
  '!tag ', '|', '>-', '\t', '0', '1.5', '-1', '1e999', '0x1F', '.inf', '.nan', 'null', '~', 'true', 'yes', 'on', '---\n', '...\n',
  '%YAML 1.2\n', '? ', '`', '@', '\\', '\u0000', '\uFEFF', '\r\n', 'é', '😀', '__proto__', 'constructor', 'prototype', 'toString',
  '../../etc/passwd', '/abs', '-', 'refs/heads/x', '"\\u0000"', '"\\x00"', 'x'.repeat(300),
];

/** Text that looks like YAML, more or less: svc's own keywords, YAML's punctuation and odd characters. */
export const yamlish: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }), { maxLength: 80 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '0', 'name', 'kind', 'id', 'value', 'data', 'x'.repeat(200)];
const weirdKey = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 }));

/** Own property, even for `__proto__`: assignment would set the prototype instead. */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function dict(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) put(o, k, v);
  return o;
}

export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, '', 0, -1, 1.5, -0, 2 ** 53, 1e308, Number.NaN, Number.POSITIVE_INFINITY, true, false, [], {}, '__proto__', '../../etc/passwd', '/etc', '-x', 'a\u0000b', 'x'.repeat(300), '1', 'true', 'null', '*', 'refs/heads/main'),
  fc.integer(),
  fc.string({ maxLength: 10 }),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null)), { maxLength: 3 }),
  fc.array(fc.tuple(weirdKey, fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null))), { maxLength: 3 }).map(dict),
  fc.jsonValue({ maxDepth: 2 }),
);

type Path = (string | number)[];

function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

function getAt(v: unknown, p: Path): unknown {
  return p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], v);
}

interface Mutation { op: 'replace' | 'delete' | 'add' | 'swap'; pick: number; other: number; key: string; value: unknown }

function mutate(doc: unknown, muts: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(doc);
  for (const m of muts) {
    const all = paths(root);
    const p = all[m.pick % all.length]!;
    // Another part of the same document: structurally plausible, semantically wrong.
    const value = m.op === 'swap' ? structuredClone(getAt(root, all[m.other % all.length]!)) : m.value;
    if (p.length === 0) {
      if (m.op !== 'delete' && m.op !== 'add') root = value;
      continue;
    }
    const parent = getAt(root, p.slice(0, -1)) as Record<string | number, unknown> | unknown[];
    const last = p[p.length - 1]!;
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (m.op === 'add') {
      const target = getAt(root, p);
      if (Array.isArray(target)) target.push(value);
      else if (target && typeof target === 'object') put(target as Record<string, unknown>, m.key, value);
      else (parent as Record<string | number, unknown>)[last] = value;
    } else {
      (parent as Record<string | number, unknown>)[last] = value;
    }
  }
  return root;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('replace', 'delete', 'add', 'swap'),
  pick: fc.nat(),
  other: fc.nat(),
  key: weirdKey,
  value: weirdValue,
});

/** Real documents (`seeds`, plain values) with one to four things wrong, written back as YAML or JSON. */
export function wrongDocument(seeds: readonly unknown[], as: 'yaml' | 'json' = 'yaml'): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([seed, muts, flow]) => {
      const doc = mutate(seed, muts);
      if (as === 'json') return JSON.stringify(doc, null, 2) ?? 'null';
      return stringify(doc, flow ? { collectionStyle: 'flow' } : {}) ?? '';
    });
}

/** Either kind of input, for one parser. */
export function parserInput(seeds: readonly unknown[], as: 'yaml' | 'json' = 'yaml'): fc.Arbitrary<string> {
  return fc.oneof({ weight: 2, arbitrary: wrongDocument(seeds, as) }, { weight: 1, arbitrary: yamlish });
}
