import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import type { AttributeValue } from './model.js';

/**
 * What `svc list` does past equality: conditions (`vlan_id>=1000`, `name~^sw`, `status!=free`), a
 * sort, a field selection and a limit, over rows already read. Equality stays with the index
 * (`key=value`, see app/inventory.ts); everything here is pure and applied after it.
 */
export type Operator = '=' | '!=' | '>=' | '<=' | '>' | '<' | '~';

export interface Condition {
  key: string;
  op: Operator;
  text: string;
}

const CONDITION = /^([A-Za-z_][A-Za-z0-9_]*)(!=|>=|<=|=|>|<|~)(.*)$/s;

export function parseCondition(arg: string): Condition {
  const m = CONDITION.exec(arg);
  if (!m) {
    throw new UsageError('inventory/bad-filter', `--filter ${arg}: expected key=value, or key<op>value`, { hint: 'operators: = != > >= < <= ~ (a regular expression), e.g. --filter status=active, --filter \'vlan_id>=1000\', --filter \'name~^sw\'' });
  }
  return { key: m[1]!, op: m[2] as Operator, text: m[3]! };
}

/** A row as `svc list` has it: attributes, and each relationship's peers as ids and as printed. */
export interface Row {
  id: string;
  attributes: Record<string, AttributeValue>;
  /** Relationship name → peers' ids and labels (hfid joined by " / ", or the id). */
  peers: Record<string, { id: string; label: string }[]>;
}

/** One condition as a test on rows; `numeric` tells a number attribute, so `>` compares numbers. */
export function conditionTest(c: Condition, numeric: boolean): (row: Row) => boolean {
  let re: RegExp | undefined;
  if (c.op === '~') {
    try {
      re = new RegExp(c.text);
    } catch (e) {
      throw new UsageError('inventory/bad-filter', `--filter ${c.key}~${c.text}: not a regular expression (${e instanceof Error ? e.message : String(e)})`, { hint: 'JavaScript regular expression syntax, e.g. name~^sw0[12]-' });
    }
  }
  if (numeric && ['>', '>=', '<', '<='].includes(c.op) && !/^-?\d+(\.\d+)?$/.test(c.text)) {
    throw new UsageError('inventory/bad-filter', `--filter ${c.key}${c.op}${c.text}: ${c.key} is a number, "${c.text}" is not`, { hint: `e.g. --filter '${c.key}${c.op}1000'` });
  }
  return (row) => {
    const values = valuesOf(row, c.key);
    if (c.op === '!=') return !values.some((v) => same(v, c.text));
    return values.some((v) => {
      if (v === undefined || v === null) return false;
      if (c.op === '~') return re!.test(typeof v === 'string' ? v : JSON.stringify(v));
      if (c.op === '=') return same(v, c.text);
      const order = typeof v === 'number' && numeric ? v - Number(c.text) : compareText(typeof v === 'string' ? v : JSON.stringify(v), c.text);
      return c.op === '>' ? order > 0 : c.op === '>=' ? order >= 0 : c.op === '<' ? order < 0 : order <= 0;
    });
  };
}

/** An attribute's value, or a relationship's peers by label and id (a peer matches by either). */
function valuesOf(row: Row, key: string): (AttributeValue | undefined)[] {
  if (key === 'id') return [row.id];
  if (key in row.peers) return row.peers[key]!.flatMap((p) => [p.label, p.id]);
  return [row.attributes[key]];
}

function same(v: AttributeValue | undefined, text: string): boolean {
  if (v === undefined || v === null) return text === '';
  return (typeof v === 'string' ? v : JSON.stringify(v)) === text;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `--sort field` (`-field`: descending): numbers as numbers, text by code unit, absent values last. */
export function sortRows<T extends Row>(rows: readonly T[], spec: string, known: readonly string[]): T[] {
  const desc = spec.startsWith('-');
  const key = desc ? spec.slice(1) : spec;
  checkField(key, known, '--sort');
  const first = (r: Row): AttributeValue | undefined => valuesOf(r, key)[0];
  return [...rows].sort((a, b) => {
    const x = first(a);
    const y = first(b);
    if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
    if (y === undefined || y === null) return -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : compareText(String(typeof x === 'object' ? JSON.stringify(x) : x), String(typeof y === 'object' ? JSON.stringify(y) : y));
    return desc ? -order : order;
  });
}

/** `--fields a,b`: the names, each checked against what the kind has. */
export function parseFields(spec: string, known: readonly string[]): string[] {
  const fields = spec.split(',').map((f) => f.trim()).filter(Boolean);
  if (!fields.length) throw new UsageError('inventory/bad-fields', '--fields: name at least one field', { hint: `fields: ${known.join(', ')}` });
  for (const f of fields) checkField(f, known, '--fields');
  return fields;
}

function checkField(f: string, known: readonly string[], option: string): void {
  if (known.includes(f)) return;
  throw new UsageError('inventory/unknown-field', `${option}: no field "${f}"`, { hint: didYouMean(f, known) ?? `fields: ${known.join(', ')}` });
}

export function parseLimit(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError('inventory/bad-limit', `--limit ${text}: expected a whole number, at least 1`, { hint: 'e.g. --limit 20' });
  return Number(text);
}
