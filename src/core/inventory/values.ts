import type { AttributeKind } from '../schema/model.js';
import type { AttributeValue } from './model.js';
import { lazyModule } from '../lazy-module.js';

/**
 * How each attribute kind is typed in files, in memory and in SQLite. One table so the codec, the
 * index and `svc list --filter` agree on what "typed" means.
 */
export type ValueType = 'string' | 'integer' | 'boolean' | 'list' | 'json';

export function valueType(kind: AttributeKind): ValueType {
  switch (kind) {
    case 'Number':
    case 'NumberPool':
    case 'Bandwidth':
      return 'integer';
    case 'Boolean':
    case 'Checkbox':
      return 'boolean';
    case 'List':
      return 'list';
    case 'JSON':
    case 'Any':
      return 'json';
    default:
      return 'string';
  }
}

/** The STRICT column type: booleans are 0/1 integers, lists and JSON are their JSON text. */
export function columnType(kind: AttributeKind): 'INTEGER' | 'TEXT' | 'ANY' {
  const t = valueType(kind);
  return t === 'integer' || t === 'boolean' ? 'INTEGER' : 'TEXT';
}

/** Why `value` does not fit `kind`, or undefined when it does. */
export function typeProblem(kind: AttributeKind, value: unknown): string | undefined {
  // The message is built only on failure: this runs for every value of every file on a build.
  const got = () => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);
  switch (valueType(kind)) {
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : `${kind} needs a whole number, got ${got()}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${kind} needs true or false, got ${got()}`;
    case 'list':
      return Array.isArray(value) ? undefined : `${kind} needs an array, got ${got()}`;
    case 'json':
      return value === null ? `${kind} may not be null: leave the key out instead` : undefined;
    default:
      if (typeof value !== 'string') return `${kind} needs a string, got ${got()}`;
      if ((kind === 'IPHost' || kind === 'IPNetwork') && !looksLikeIp(value)) return `"${value}" is not an IP ${kind === 'IPHost' ? 'address' : 'prefix'}`;
      return undefined;
  }
}

/** Only writing and filters need it (normaliseIp), never reading the inventory (svc list, show). */
const ipAddress = lazyModule<typeof import('ip-address')>('ip-address');

/** Cheap shape check for the hot path; full parsing (normaliseIp) is for writing and filters. */
function looksLikeIp(text: string): boolean {
  return /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(text) && (text.includes('.') || text.includes(':'));
}

/**
 * The canonical text of an IP value: IPNetwork as its network prefix ("10.0.0.0/24"), IPHost as the
 * address with its prefix length ("10.0.0.1/24"); IPv6 compressed and lower case. Undefined when
 * the text is not an address.
 */
export function normaliseIp(kind: 'IPHost' | 'IPNetwork', text: string): string | undefined {
  try {
    const { Address4, Address6 } = ipAddress();
    const v6 = text.includes(':');
    const a = v6 ? new Address6(text) : new Address4(text);
    const bits = a.subnetMask;
    const addr = kind === 'IPNetwork' ? a.startAddress().correctForm() : a.correctForm();
    return `${addr}/${bits}`;
  } catch {
    return undefined;
  }
}

/** The canonical form written to files: same object → byte-identical file. */
export function normaliseValue(kind: AttributeKind, value: AttributeValue): AttributeValue {
  if (typeof value === 'string' && (kind === 'IPHost' || kind === 'IPNetwork')) return normaliseIp(kind, value) ?? value;
  if (typeof value === 'string' && kind === 'DateTime') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? value : new Date(t).toISOString();
  }
  return value;
}

export type SqlValue = string | number | bigint | null | Buffer;

export function toSql(kind: AttributeKind, value: AttributeValue | undefined): SqlValue {
  if (value === undefined || value === null) return null;
  switch (valueType(kind)) {
    case 'boolean':
      return value === true ? 1 : 0;
    case 'list':
    case 'json':
      return JSON.stringify(value);
    default:
      return value as string | number;
  }
}

export function fromSql(kind: AttributeKind, value: unknown): AttributeValue | undefined {
  if (value === null || value === undefined) return undefined;
  switch (valueType(kind)) {
    case 'boolean':
      return value === 1 || value === 1n;
    case 'integer':
      return Number(value);
    case 'list':
    case 'json':
      return JSON.parse(String(value)) as AttributeValue;
    default:
      return String(value);
  }
}

/** `--filter mtu=9000` → 9000: a filter value typed by its attribute's kind, or a problem. */
export function parseFilterValue(kind: AttributeKind, text: string): { value: AttributeValue } | { problem: string } {
  switch (valueType(kind)) {
    case 'integer':
      return /^-?\d+$/.test(text) ? { value: Number(text) } : { problem: `${kind} needs a whole number, got "${text}"` };
    case 'boolean':
      if (['true', 'yes', '1'].includes(text.toLowerCase())) return { value: true };
      if (['false', 'no', '0'].includes(text.toLowerCase())) return { value: false };
      return { problem: `${kind} needs true or false, got "${text}"` };
    case 'list':
    case 'json':
      try {
        return { value: JSON.parse(text) as AttributeValue };
      } catch {
        return { problem: `${kind} filter values are JSON, got "${text}"` };
      }
    default:
      if (kind === 'IPHost' || kind === 'IPNetwork') {
        const n = normaliseIp(kind, text);
        return n === undefined ? { problem: `"${text}" is not an IP ${kind === 'IPHost' ? 'address' : 'prefix'}` } : { value: n };
      }
      return { value: text };
  }
}
