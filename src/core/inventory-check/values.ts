import { didYouMean } from '../suggest.js';
import { describeControl, findControlCharacter } from '../text.js';
import type { AttributeValue } from '../inventory/model.js';
import type { AttributeSchema } from '../schema/model.js';

/**
 * A problem with one well-typed attribute value (types are the codec's and the loader's concern);
 * the caller adds where it is. Shared by `svc load` and `svc validate` so both apply the same rules.
 */
export interface ValueProblem {
  code: string;
  message: string;
  hint?: string;
}

/** Choices, enum, regex and bounds: the rules a well-typed value must still obey. */
export function ruleProblems(attr: AttributeSchema, value: AttributeValue): ValueProblem[] {
  const out: ValueProblem[] = [];
  if (attr.kind === 'Dropdown' && attr.choices?.length && typeof value === 'string') {
    const names = attr.choices.map((c) => c.name);
    if (!names.includes(value)) {
      out.push({ code: 'value/not-a-choice', message: `${attr.name}: "${value}" is not one of its choices (${names.join(', ')})`, hint: didYouMean(value, names) ?? `use one of: ${names.join(', ')}` });
    }
  }
  if (attr.enum?.length && (typeof value === 'string' || typeof value === 'number') && !attr.enum.includes(value)) {
    const names = attr.enum.map(String);
    out.push({ code: 'value/not-in-enum', message: `${attr.name}: ${JSON.stringify(value)} is not one of ${names.join(', ')}`, hint: didYouMean(String(value), names) ?? `use one of: ${names.join(', ')}` });
  }
  if (typeof value === 'string') {
    const control = findControlCharacter(value, attr.kind === 'TextArea');
    if (control) {
      out.push({ code: 'value/control-character', message: `${attr.name}: ${JSON.stringify(value)} ${describeControl(control)}`, hint: attr.kind === 'TextArea' ? 'remove it: only tabs and line breaks may be written in multi-line text' : 'remove it: names and single-line text hold printable characters only' });
    }
    const re = attr.regex === undefined ? undefined : safeRegex(attr.regex);
    if (re && !re.test(value)) {
      out.push({ code: 'value/regex', message: `${attr.name}: "${value}" does not match /${attr.regex}/` });
    }
    if (attr.min_length !== undefined && value.length < attr.min_length) {
      out.push({ code: 'value/too-short', message: `${attr.name}: "${value}" is shorter than ${attr.min_length} characters` });
    }
    if (attr.max_length !== undefined && value.length > attr.max_length) {
      out.push({ code: 'value/too-long', message: `${attr.name}: "${value}" is longer than ${attr.max_length} characters` });
    }
  }
  if (typeof value === 'number') {
    if (attr.min_value !== undefined && value < attr.min_value) out.push({ code: 'value/too-small', message: `${attr.name}: ${value} is below the minimum ${attr.min_value}` });
    if (attr.max_value !== undefined && value > attr.max_value) out.push({ code: 'value/too-large', message: `${attr.name}: ${value} is above the maximum ${attr.max_value}` });
  }
  return out;
}

const regexCache = new Map<string, RegExp | undefined>();
function safeRegex(source: string): RegExp | undefined {
  if (!regexCache.has(source)) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(source, 'u');
    } catch {
      re = undefined;
    }
    regexCache.set(source, re);
  }
  return regexCache.get(source);
}
