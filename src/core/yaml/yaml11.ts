/**
 * Plain scalars as PyYAML's resolver reads them (YAML 1.1), next to how the YAML 1.2 core schema
 * reads them. Infrahub's SDK and SURF's orchestrator load their files with PyYAML, so a file written
 * for them says `enabled: yes` meaning true and `max: 32_767` meaning a number. The patterns follow
 * PyYAML's implicit resolvers, not the `yaml` package's 1.1 schema, which also reads y/n as booleans
 * (PyYAML does not). Timestamps stay strings: PyYAML would make a date object, svc keeps the text.
 */

const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const NULL = /^(?:~|null|Null|NULL|)$/;

const CORE_BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const CORE_INT_DEC = /^[-+]?[0-9]+$/;
const CORE_INT_OCT = /^0o[0-7]+$/;
const CORE_INT_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const CORE_INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const CORE_NAN = /^\.(?:nan|NaN|NAN)$/;

export type PlainValue = string | number | boolean | null;

/** A plain (unquoted, untagged) scalar as PyYAML resolves it. */
export function resolveYaml11(text: string): PlainValue {
  if (NULL.test(text)) return null;
  if (PY_BOOL.test(text)) return /^(?:yes|true|on)$/i.test(text);
  if (PY_INT.test(text)) return pyInt(text);
  if (PY_FLOAT.test(text)) return pyFloat(text);
  return text;
}

/** A plain scalar as the YAML 1.2 core schema resolves it (what js-yaml's CORE_SCHEMA and `yaml` do). */
export function resolveYaml12(text: string): PlainValue {
  if (NULL.test(text)) return null;
  if (CORE_BOOL.test(text)) return text.toLowerCase() === 'true';
  if (CORE_INT_DEC.test(text)) return Number.parseInt(text, 10);
  if (CORE_INT_OCT.test(text)) return Number.parseInt(text.slice(2), 8);
  if (CORE_INT_HEX.test(text)) return Number.parseInt(text.slice(2), 16);
  if (CORE_INF.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (CORE_NAN.test(text)) return NaN;
  if (CORE_FLOAT.test(text)) return Number.parseFloat(text);
  return text;
}

export function sameValue(a: PlainValue, b: PlainValue): boolean {
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && a === b);
}

/** How a value reads, for a warning: `true`, `8`, `"1e3"`. */
export function showValue(v: PlainValue): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function pyInt(text: string): number {
  let s = text.replace(/_/g, '');
  let sign = 1;
  if (s[0] === '-') sign = -1;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '0') return 0;
  if (s.startsWith('0b')) return sign * Number.parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * Number.parseInt(s.slice(2), 16);
  if (s.startsWith('0')) return sign * Number.parseInt(s, 8);
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number.parseInt(s, 10);
}

function pyFloat(text: string): number {
  let s = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-') sign = -1;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number.parseFloat(s);
}

/** `1:30` is 90, `1:30:00.5` is 5400.5: base 60, most significant part first. */
function sexagesimal(s: string): number {
  return s.split(':').reduce((acc, part) => acc * 60 + Number.parseFloat(part), 0);
}

/** Tokens that could end a plain scalar (end of line, a comment, a flow separator). */
const TOKEN = /(?<=^|[\s[{,])[^\s,[\]{}#'"]+(?=[ \t]*(?:$|#|[,\]}]))/gm;

/**
 * Whether some plain scalar of `text` might read differently under YAML 1.1 than under 1.2. Cheap and
 * conservative: it looks at the last word before each line end or flow separator, so a quoted value or
 * a word ending a longer string may answer true (a slower parse, never a wrong one).
 */
export function mayReadDifferently(text: string): boolean {
  for (const m of text.matchAll(TOKEN)) {
    const t = m[0];
    if (!sameValue(resolveYaml11(t), resolveYaml12(t))) return true;
  }
  return false;
}
