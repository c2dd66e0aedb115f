import { Address4, Address6 } from 'ip-address';
import type { AttributeValue } from '../inventory/model.js';
import { normaliseValue } from '../inventory/values.js';
import type { AttributeSchema } from '../schema/model.js';

/** A value as written in an object file, turned into the typed value the inventory holds. */
/** A value svc accepts though Infrahub would not: kept, normalised, with a warning (an error under --strict). */
export interface CoercedWarning {
  code: string;
  message: string;
  hint: string;
}

export type Coerced = { ok: true; value: AttributeValue; warning?: CoercedWarning } | { ok: false; code: string; message: string; hint?: string };

const STRING_KINDS = new Set(['Text', 'TextArea', 'Email', 'Password', 'HashedPassword', 'URL', 'File', 'Color', 'Dropdown', 'ID']);

const fail = (code: string, message: string, hint?: string): Coerced => ({ ok: false, code, message, ...(hint ? { hint } : {}) });

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Typed coercion by attribute kind. Strict on purpose: "10" is not a Number, "true" is not a Boolean. */
export function coerceAttribute(attr: AttributeSchema, raw: unknown): Coerced {
  const c = coerce(attr, raw);
  // The store writes values in canonical form; planning the same form keeps a second load a no-op.
  return c.ok && c.value !== null ? { ...c, value: normaliseValue(attr.kind, c.value) } : c;
}

function coerce(attr: AttributeSchema, raw: unknown): Coerced {
  const expected = (what: string, hint?: string) => fail('load/wrong-type', `${attr.name} (${attr.kind}) must be ${what}, got ${show(raw)}`, hint);
  if (STRING_KINDS.has(attr.kind)) {
    if (typeof raw === 'string') return { ok: true, value: raw };
    if (typeof raw === 'number' || typeof raw === 'boolean') return expected('a string', `quote it: "${String(raw)}"`);
    return expected('a string');
  }
  switch (attr.kind) {
    case 'Number':
    case 'NumberPool':
    case 'Bandwidth':
      if (typeof raw === 'number' && Number.isInteger(raw)) return { ok: true, value: raw };
      if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return expected('a number', `write ${raw.trim()} without quotes`);
      return expected('an integer');
    case 'Boolean':
    case 'Checkbox':
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (typeof raw === 'string' && /^(true|false|yes|no)$/i.test(raw)) return expected('a boolean', `write true or false without quotes`);
      return expected('a boolean', 'write true or false');
    case 'DateTime':
      if (typeof raw === 'string' && !Number.isNaN(Date.parse(raw))) return { ok: true, value: raw };
      return expected('an ISO 8601 date and time', 'e.g. "2026-01-31T12:00:00Z"');
    case 'MacAddress': {
      if (typeof raw !== 'string') return expected('a MAC address string');
      const hex = raw.replace(/[:.-]/g, '').toLowerCase();
      if (!/^[0-9a-f]{12}$/.test(hex)) return expected('a MAC address', 'e.g. "00:1a:2b:3c:4d:5e"');
      return { ok: true, value: hex.match(/../g)!.join(':') };
    }
    case 'IPHost':
    case 'IPNetwork':
      return typeof raw === 'string' ? coerceIp(attr, raw) : expected(attr.kind === 'IPHost' ? 'an address such as "192.0.2.1/24"' : 'a prefix such as "192.0.2.0/24"');
    case 'List':
      return Array.isArray(raw) ? { ok: true, value: raw } : expected('a list');
    case 'JSON':
      return raw !== null && typeof raw === 'object' ? { ok: true, value: raw as AttributeValue } : expected('a mapping or a list');
    default:
      return { ok: true, value: raw as AttributeValue };
  }
}

function coerceIp(attr: AttributeSchema, raw: string): Coerced {
  const text = raw.trim();
  const v6 = text.includes(':');
  let addr: Address4 | Address6;
  try {
    addr = v6 ? new Address6(text) : new Address4(text);
  } catch {
    return fail('load/wrong-type', `${attr.name} (${attr.kind}): "${raw}" is not an IP ${attr.kind === 'IPHost' ? 'address' : 'prefix'}`, attr.kind === 'IPHost' ? 'e.g. "192.0.2.1/24" or "2001:db8::1/64"' : 'e.g. "192.0.2.0/24" or "2001:db8::/48"');
  }
  const len = addr.subnetMask;
  if (attr.kind === 'IPHost') return { ok: true, value: `${addr.correctForm()}/${len}` };
  const network = `${addr.startAddress().correctForm()}/${len}`;
  const given = `${addr.correctForm()}/${len}`;
  if (network !== given) {
    return {
      ok: true,
      value: network,
      warning: { code: 'load/host-bits', message: `${attr.name}: "${raw}" has host bits set; stored as ${network}`, hint: `Infrahub refuses a prefix with host bits: write ${network}` },
    };
  }
  return { ok: true, value: network };
}
