import { UsageError } from '../errors.js';

/**
 * The deepest nesting svc reads: flow brackets (`[[[...]]]`) and block indentation. Schemas and
 * object files nest a handful of levels; a text nested thousands deep makes the YAML parsers recurse
 * until the stack overflows. Checked in one pass over the text before it is parsed.
 */
export const MAX_YAML_DEPTH = 64;
/** Block nesting is measured by indentation: this many columns is far past any real file. */
export const MAX_YAML_INDENT = 512;

export function checkYamlDepth(text: string, file: string): void {
  let depth = 0;
  let line = 1;
  let column = 0;
  let quote = '';
  let comment = false;
  let indenting = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    column++;
    if (c === '\n') {
      line++;
      column = 0;
      comment = false;
      indenting = true;
      if (quote === "'" || quote === '"') continue;
      continue;
    }
    if (indenting) {
      if (c === ' ') {
        if (column > MAX_YAML_INDENT) fail(file, line, column, `indented more than ${MAX_YAML_INDENT} columns`);
        continue;
      }
      indenting = false;
    }
    if (comment) continue;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) comment = true;
    else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_YAML_DEPTH) fail(file, line, column, `nested more than ${MAX_YAML_DEPTH} levels deep`);
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
}

function fail(file: string, line: number, column: number, what: string): never {
  throw new UsageError('input/too-deep', `${file}:${line}:${column}: ${what}`, { hint: 'flatten the structure: svc reads YAML nested a few levels deep (schemas, products and object files need fewer than ten)' });
}
