import { productFileJsonSchema } from '../products/file-schema.js';
import { catalogConfigSchema } from '../catalog/config-schema.js';
import { schemaFileSchema } from './meta-schema.js';

/** One JSON Schema `svc schema export` writes, and the files an editor should check with it. */
export interface ExportedSchema {
  /** File name inside the output folder. */
  file: string;
  title: string;
  /** Globs (relative to the catalog root) for yaml-language-server's `yaml.schemas` setting. */
  fileMatch: string[];
  schema: object;
}

/**
 * Every JSON Schema svc publishes for editors, in one place. Other areas add theirs here
 * (the products file schema is expected next: `{ file: 'products.json', fileMatch: ['products/**\/*.yml'], ... }`).
 */
export const EXPORTED_SCHEMAS: ExportedSchema[] = [
  { file: 'schema.json', title: 'svc schema file (Infrahub dialect)', fileMatch: ['schemas/**/*.yml', 'schemas/**/*.yaml'], schema: schemaFileSchema },
  { file: 'orchestrator.json', title: 'svc catalog (.orchestrator.yml)', fileMatch: ['.orchestrator.yml'], schema: catalogConfigSchema },
  { file: 'products.json', title: 'svc product file (SURF dialect)', fileMatch: ['products/**/*.yml', 'products/**/*.yaml'], schema: productFileJsonSchema },
];

/** The exported files' text: stable (sorted by file name, two-space JSON, trailing newline). */
export function exportSchemas(): { file: string; text: string; fileMatch: string[]; title: string }[] {
  return [...EXPORTED_SCHEMAS]
    .sort((a, b) => a.file.localeCompare(b.file))
    .map((s) => ({ file: s.file, title: s.title, fileMatch: s.fileMatch, text: `${JSON.stringify(s.schema, null, 2)}\n` }));
}
