import { UsageError } from './errors.js';

/**
 * Control characters in names, ids and request inputs: NUL cannot go into a git trailer or a file
 * name, a newline splits a trailer in two, escape sequences rewrite the terminal of whoever lists
 * them. They are refused where they come in, not where they break something later.
 */

// Unicode's control characters (C0, DEL, C1) and the line and paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
// Multi-line text keeps its tabs and line breaks.
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/u;

export interface ControlCharacter {
  /** As U+XXXX. */
  code: string;
  /** 0-based, in UTF-16 units. */
  index: number;
}

/** The first control character of `text` (tabs and line breaks allowed when `multiline`); undefined when none. */
export function findControlCharacter(text: string, multiline = false): ControlCharacter | undefined {
  const m = (multiline ? CONTROL_BUT_LINES : CONTROL).exec(text);
  if (!m) return undefined;
  return { code: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`, index: m.index };
}

/** "contains U+000A (a control character) at character 4": for messages. */
export function describeControl(c: ControlCharacter): string {
  return `contains ${c.code} (a control character) at character ${c.index + 1}`;
}

/** Every string in `value` (nested lists and mappings too), with the path to it. */
export function* stringsIn(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], `${path}[${i}]`);
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) {
    yield [`${path}.${k} (a key)`, k];
    yield* stringsIn(v, `${path}.${k}`);
  }
}

/**
 * Refuses request inputs holding control characters, before anything is read or reserved. `fields`:
 * how the user gave each (`--customer`, `--set site`, `-f request.yml: site`) and its value.
 * `multiline`: the fields where tabs and line breaks are fine (a description).
 */
export function assertNoControlCharacters(fields: readonly (readonly [string, unknown])[], multiline: ReadonlySet<string> = new Set()): void {
  for (const [label, value] of fields) {
    for (const [where, text] of stringsIn(value, label)) {
      const c = findControlCharacter(text, multiline.has(label));
      if (c) {
        throw new UsageError('input/control-character', `${where}: ${JSON.stringify(text)} ${describeControl(c)}`, {
          hint: multiline.has(label) ? 'remove it: only tabs and line breaks may be written here' : 'remove it: names, ids and inputs hold printable characters only (a line break too is refused)',
        });
      }
    }
  }
}
