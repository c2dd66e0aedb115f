import { lazyModule } from '../lazy-module.js';
import { checkYamlDepth } from './depth.js';
import { parseYaml, type YamlOptions, type YamlSource } from './source.js';
import { mayReadDifferently } from './yaml11.js';

const jsYaml = lazyModule<typeof import('js-yaml')>('js-yaml');

/** `&name` or `*name` where YAML may read one; also matches some plain text (a slower parse, never a wrong one). */
const ANCHOR_OR_ALIAS = /(^|[\s[{,:-])[&*][^\s,[\]{}]/m;

/**
 * Files svc reads on every command (.orchestrator.yml, schema files) are mostly valid: js-yaml
 * builds the value about six times faster than the position-keeping `yaml` parser, and loads in
 * half the time. The `yaml` parser runs only when a position is first asked for (a finding, `svc
 * schema show`) or when js-yaml rejects the text (then its precise diagnostics are the ones
 * reported). Both use the YAML 1.2 core schema, so the values agree. js-yaml is loaded on first use,
 * like `yaml`.
 */
export function parseYamlQuick(text: string, file: string, options: YamlOptions = {}): YamlSource {
  // js-yaml shares an aliased value instead of copying it, with no limit: a few lines of nested
  // aliases then make a value whose walk (the shape check, hashing) never ends. A text that may hold
  // an anchor or an alias goes to the yaml parser, which counts their expansions.
  if (ANCHOR_OR_ALIAS.test(text)) return parseYaml(text, file, options);
  // A scalar YAML 1.1 reads differently needs the yaml parser's reading, and its warning.
  if (options.yaml11 && mayReadDifferently(text)) return parseYaml(text, file, options);
  checkYamlDepth(text, file);
  let value: unknown;
  try {
    const { CORE_SCHEMA, load } = jsYaml();
    value = load(text, { schema: CORE_SCHEMA, filename: file });
  } catch {
    return parseYaml(text, file, options);
  }
  let full: YamlSource | undefined;
  const positions = () => (full ??= parseYaml(text, file, options));
  return {
    file,
    value,
    diagnostics: [],
    locate: (path) => positions().locate(path),
    locateKey: (path) => positions().locateKey(path),
  };
}
