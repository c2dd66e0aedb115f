import { posix } from 'node:path';
import { EXPORTED_SCHEMAS, exportSchemas } from '../core/schema/export.js';

/**
 * Editor support in a new catalog: the JSON Schemas svc publishes, written under .vscode/schemas/,
 * a .vscode/settings.json mapping them for yaml-language-server (the Red Hat YAML extension), and a
 * `# yaml-language-server: $schema=` modeline at the top of each YAML file init writes that one of
 * them covers, so editors other than VS Code find the schema too.
 */
export const EDITOR_SCHEMA_DIR = '.vscode/schemas';

/** A fileMatch glob (`products/**\/*.yml`) as a regular expression over catalog-relative paths. */
function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (glob[i] === '*') re += '[^/]*';
    else re += glob[i]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The schema file (under EDITOR_SCHEMA_DIR) covering `rel`, if any. */
export function schemaFor(rel: string): string | undefined {
  return EXPORTED_SCHEMAS.find((s) => s.fileMatch.some((g) => globRegExp(g).test(rel)))?.file;
}

/**
 * `text` with the modeline for its schema on top (relative to the file, as yaml-language-server
 * resolves it), replacing one already there (a template's pointing at Infrahub's online schema,
 * which knows neither svc's additions nor works offline); unchanged when no schema covers it.
 */
export function withModeline(rel: string, text: string): string {
  const file = schemaFor(rel);
  if (!file) return text;
  const path = posix.relative(posix.dirname(rel), `${EDITOR_SCHEMA_DIR}/${file}`);
  const body = text.startsWith(MODELINE) ? text.slice(text.indexOf('\n') + 1) : text;
  return `${MODELINE} $schema=${path}\n${body}`;
}

const MODELINE = '# yaml-language-server:';

/** The files to write: each schema, and the settings that map them. */
export function editorFiles(): { rel: string; text: string }[] {
  const schemas = exportSchemas();
  const mapping = Object.fromEntries(schemas.map((s) => [`./${EDITOR_SCHEMA_DIR}/${s.file}`, s.fileMatch]));
  return [
    ...schemas.map((s) => ({ rel: `${EDITOR_SCHEMA_DIR}/${s.file}`, text: s.text })),
    { rel: '.vscode/settings.json', text: `${JSON.stringify({ 'yaml.schemas': mapping }, null, 2)}\n` },
  ];
}
