import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type OperationDefinitionNode, type TypeNode } from 'graphql';
import { UsageError, ValidationError } from '../errors.js';
import type { SchemaSet } from '../schema/model.js';
import { QueryRun } from './run-context.js';
import { querySchema } from './schema.js';
import type { QuerySource } from './source.js';

export interface ParsedQuery {
  document: DocumentNode;
  /** The file, as messages name it. */
  file: string;
  /** Declared variables: name → type as written (`String!`, `[ID]`). */
  variables: Map<string, string>;
}

const where = (file: string, e: GraphQLError) => {
  const l = e.locations?.[0];
  return l ? `${file}:${l.line}:${l.column}` : file;
};

/** Parse and check a query against the catalog's schema; a query that does not fit is refused (exit 1). */
export function prepareQuery(schema: SchemaSet, text: string, file: string): ParsedQuery {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (e) {
    if (e instanceof GraphQLError) throw new ValidationError('query/syntax', `${where(file, e)}: ${e.message}`, { hint: 'the file must hold one GraphQL query' });
    throw e;
  }
  const errors = validate(querySchema(schema), document);
  if (errors.length) {
    const [first, ...rest] = errors;
    const more = rest.length ? `\n${rest.map((e) => `${where(file, e)}: ${e.message}`).join('\n')}` : '';
    throw new ValidationError('query/invalid', `${where(file, first!)}: ${first!.message}${more}`, { hint: 'queries use Infrahub\'s shape: Kind(filters) { count edges { node { attr { value } rel { node { ... } } } } }; `svc schema show <Kind>` lists the names' });
  }
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || ops[0]!.operation !== 'query') {
    throw new ValidationError('query/not-one-query', `${file}: expected exactly one query operation, found ${ops.map((o) => o.operation).join(', ') || 'none'}`, { hint: 'svc runs queries only (no mutations), one per file' });
  }
  const variables = new Map<string, string>();
  for (const v of ops[0]!.variableDefinitions ?? []) variables.set(v.variable.name.value, typeText(v.type));
  return { document, file, variables };
}

function typeText(t: TypeNode): string {
  if (t.kind === Kind.NON_NULL_TYPE) return `${typeText(t.type)}!`;
  if (t.kind === Kind.LIST_TYPE) return `[${typeText(t.type)}]`;
  return t.name.value;
}

/**
 * `--var k=v` texts typed by the query's declarations: Int and Float as numbers, Boolean as
 * true/false, lists as JSON (or one item), anything else as the text.
 */
export function typeVariables(q: ParsedQuery, given: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(given)) {
    const type = q.variables.get(name);
    if (type === undefined) {
      const declared = [...q.variables.keys()];
      throw new UsageError('query/unknown-variable', `--var ${name}: ${q.file} declares no variable $${name}`, { hint: declared.length ? `its variables: ${declared.map((d) => `$${d}`).join(', ')}` : 'the query takes no variables' });
    }
    out[name] = typed(type.replace(/!$/, ''), text);
  }
  return out;
}

function typed(type: string, text: string): unknown {
  if (type.startsWith('[')) {
    if (text.trim().startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    }
    return [typed(type.slice(1, -1).replace(/!$/, ''), text)];
  }
  if ((type === 'Int' || type === 'Float' || type === 'BigInt') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === 'Boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** Runs a prepared query over the source: `{ data }` as Infrahub answers. */
export async function runQuery(schema: SchemaSet, source: QuerySource, q: ParsedQuery, variables: Record<string, unknown>): Promise<{ data: Record<string, unknown> }> {
  const result = await execute({ schema: querySchema(schema), document: q.document, variableValues: variables, contextValue: { run: new QueryRun(source) } });
  if (result.errors?.length) {
    const e = result.errors[0]!;
    // Variables are checked before anything runs: no data and no path means the call was wrong.
    if (result.data === undefined && e.path === undefined) {
      throw new UsageError('query/variables', `${where(q.file, e)}: ${e.message}`, { hint: `give each required variable: --var name=value${q.variables.size ? ` (${[...q.variables.keys()].map((v) => `$${v}`).join(', ')})` : ''}` });
    }
    throw new ValidationError('query/failed', `${q.file}: ${e.message}${e.path ? ` (at ${e.path.join('.')})` : ''}`, { cause: e.originalError ?? e });
  }
  return { data: (result.data ?? {}) as Record<string, unknown> };
}
