import type { CheckContext, DeclaredMember } from '../check.js';
import type { RawAttribute } from '../raw.js';
import { compileRegex } from '../regex.js';

type Attr = DeclaredMember<RawAttribute>;

const STRING_KINDS = new Set(['Text', 'TextArea', 'DateTime', 'Email', 'Password', 'HashedPassword', 'URL', 'File', 'MacAddress', 'Color', 'Dropdown', 'IPHost', 'IPNetwork', 'ID']);
const NUMBER_KINDS = new Set(['Number', 'NumberPool', 'Bandwidth']);
const BOOLEAN_KINDS = new Set(['Boolean', 'Checkbox']);

/** Choices, enums, regexes, bounds, and whether the default value satisfies all of them. */
export function checkAttributes(ctx: CheckContext): void {
  for (const a of ctx.attributes) {
    const regex = regexOf(ctx, a);
    choices(ctx, a);
    bounds(ctx, a);
    if (a.raw.default_value !== undefined && a.raw.default_value !== null) defaultValue(ctx, a, regex);
  }
}

function param<K extends 'regex' | 'min_length' | 'max_length' | 'min_value' | 'max_value'>(a: Attr, key: K): { value: RawAttribute[K]; sub: (string | number)[] } {
  if (a.raw[key] !== undefined) return { value: a.raw[key], sub: [key] };
  return { value: a.raw.parameters?.[key] as RawAttribute[K], sub: ['parameters', key] };
}

function regexOf(ctx: CheckContext, a: Attr): RegExp | undefined {
  const { value, sub } = param(a, 'regex');
  if (value === undefined) return undefined;
  const r = compileRegex(value);
  if (r.ok) return r.regex;
  ctx.report('error', 'schema/invalid-regex', `attribute ${a.raw.name} of ${a.owner}: invalid regex: ${r.error}`, a, sub, { hint: 'fix the regular expression (Python / JavaScript syntax)' });
  return undefined;
}

function choices(ctx: CheckContext, a: Attr): void {
  const list = (a.raw.choices ?? []).filter((c) => c !== undefined);
  if (a.raw.kind === 'Dropdown' && list.length === 0) {
    ctx.report('error', 'schema/dropdown-without-choices', `attribute ${a.raw.name} of ${a.owner} is a Dropdown without choices`, a, ['kind'], {
      hint: 'add `choices:` with a `name:` (and optionally label, description, color) for each value',
    });
  }
  if (a.raw.kind !== 'Dropdown' && a.raw.choices !== undefined) {
    ctx.report('error', 'schema/choices-not-dropdown', `attribute ${a.raw.name} of ${a.owner} has choices but is of kind ${a.raw.kind}`, a, ['choices'], {
      hint: 'choices only apply to kind Dropdown; for Text use `enum:`',
    });
  }
  const seen = new Set<string>();
  (a.raw.choices ?? []).forEach((c, i) => {
    if (seen.has(c.name)) ctx.report('error', 'schema/duplicate-choice', `attribute ${a.raw.name} of ${a.owner}: choice "${c.name}" appears twice`, a, ['choices', i, 'name'], { hint: 'remove one of them' });
    seen.add(c.name);
  });
}

function bounds(ctx: CheckContext, a: Attr): void {
  for (const [lo, hi] of [['min_length', 'max_length'], ['min_value', 'max_value']] as const) {
    const min = param(a, lo);
    const max = param(a, hi);
    if (typeof min.value === 'number' && typeof max.value === 'number' && min.value > max.value) {
      ctx.report('error', 'schema/invalid-bounds', `attribute ${a.raw.name} of ${a.owner}: ${lo} ${min.value} is larger than ${hi} ${max.value}`, a, min.sub, { hint: `${lo} must not exceed ${hi}` });
    }
  }
}

function defaultValue(ctx: CheckContext, a: Attr, regex: RegExp | undefined): void {
  const v = a.raw.default_value;
  const name = `attribute ${a.raw.name} of ${a.owner}`;
  const bad = (code: string, message: string, hint: string) => ctx.report('error', code, `${name}: ${message}`, a, ['default_value'], { hint });
  const kind = a.raw.kind;
  const expected = STRING_KINDS.has(kind) ? 'string' : NUMBER_KINDS.has(kind) ? 'number' : BOOLEAN_KINDS.has(kind) ? 'boolean' : kind === 'List' ? 'list' : undefined;
  const actual = Array.isArray(v) ? 'list' : typeof v;
  if (expected !== undefined && actual !== expected) {
    bad('schema/default-wrong-type', `default_value ${JSON.stringify(v)} is not a ${expected}, as kind ${kind} requires`, expected === 'string' ? `quote it: default_value: "${String(v)}"` : `give a ${expected}`);
    return;
  }
  if (kind === 'Number' && typeof v === 'number' && !Number.isInteger(v)) {
    bad('schema/default-wrong-type', `default_value ${v} is not a whole number, as kind Number requires`, 'give a whole number');
    return;
  }
  const names = (a.raw.choices ?? []).filter((c) => c !== undefined).map((c) => c.name);
  if (kind === 'Dropdown' && names.length > 0 && !names.includes(String(v))) {
    bad('schema/default-not-in-choices', `default_value "${String(v)}" is not one of the choices (${names.join(', ')})`, didYouMeanOr(String(v), names));
    return;
  }
  if (a.raw.enum !== undefined && !a.raw.enum.some((e) => e === v)) {
    // A kind without a value type (JSON, Any) lets a mapping through, and String() of one may throw.
    const text = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    bad('schema/default-not-in-enum', `default_value ${JSON.stringify(v)} is not in enum (${a.raw.enum.join(', ')})`, didYouMeanOr(text, a.raw.enum.map(String)));
    return;
  }
  if (typeof v === 'string') {
    if (regex && !regex.test(v)) bad('schema/default-fails-regex', `default_value "${v}" does not match regex ${regex.source}`, 'change the default or the regex');
    const min = param(a, 'min_length').value;
    const max = param(a, 'max_length').value;
    if (min !== undefined && v.length < min) bad('schema/default-out-of-bounds', `default_value "${v}" is shorter than min_length ${min}`, 'lengthen the default or lower min_length');
    if (max !== undefined && v.length > max) bad('schema/default-out-of-bounds', `default_value "${v}" is longer than max_length ${max}`, 'shorten the default or raise max_length');
  }
  if (typeof v === 'number') {
    const min = param(a, 'min_value').value;
    const max = param(a, 'max_value').value;
    if (min !== undefined && v < min) bad('schema/default-out-of-bounds', `default_value ${v} is below min_value ${min}`, 'raise the default or lower min_value');
    if (max !== undefined && v > max) bad('schema/default-out-of-bounds', `default_value ${v} is above max_value ${max}`, 'lower the default or raise max_value');
  }
}

function didYouMeanOr(word: string, options: string[]): string {
  const close = options.find((o) => o.toLowerCase() === word.toLowerCase());
  return close !== undefined ? `did you mean "${close}"?` : `use one of: ${options.join(', ')}`;
}
