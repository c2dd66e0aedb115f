import { CORE_SCHEMA, load } from 'js-yaml';
import { parseYaml, type YamlSource } from '../yaml/source.js';

/**
 * Schema files are read often and are mostly valid: js-yaml builds the value about six times faster
 * than the position-keeping `yaml` parser, which is only run when a position is first asked for (a
 * finding, `svc schema show`) or when js-yaml rejects the text (then its precise diagnostics are the
 * ones reported). Both use the YAML 1.2 core schema, so the values agree.
 */
export function parseSchemaYaml(text: string, file: string): YamlSource {
  let value: unknown;
  try {
    value = load(text, { schema: CORE_SCHEMA, filename: file });
  } catch {
    return parseYaml(text, file);
  }
  let full: YamlSource | undefined;
  const positions = () => (full ??= parseYaml(text, file));
  return {
    file,
    value,
    diagnostics: [],
    locate: (path) => positions().locate(path),
    locateKey: (path) => positions().locateKey(path),
  };
}
