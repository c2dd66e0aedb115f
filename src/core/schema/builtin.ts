import { parseYaml } from '../yaml/source.js';
import type { RawSchemaDocument, SchemaFile } from './raw.js';

/**
 * Kinds that Infrahub itself provides and real schema files refer to. They come with svc so that a
 * catalog's schema resolves without a server. Kept as YAML text so diagnostics can point into it.
 */
const BUILTIN_YAML = `
version: "1.0"
generics:
  - name: Node
    namespace: Core
    description: Base of every node
nodes:
  - name: Tag
    namespace: Builtin
    human_friendly_id: [name__value]
    display_labels: [name__value]
    attributes:
      - name: name
        kind: Text
        unique: true
      - name: description
        kind: Text
        optional: true
`;

let cache: SchemaFile[] | undefined;
export function builtinSchemaFiles(): SchemaFile[] {
  if (!cache) {
    const source = parseYaml(BUILTIN_YAML, '<builtin>');
    cache = [{ source, doc: source.value as RawSchemaDocument, builtin: true }];
  }
  return cache;
}
