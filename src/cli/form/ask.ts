import { UsageError } from '../../core/errors.js';
import { requestSchema, type JsonSchema } from '../../core/products/inputs.js';
import type { ProductDef, ProductSet, Variant } from '../../core/products/model.js';
import { AnswerChecker, asText, byText, coerceList, coerceText, setAt, showPath, type Draft, type Path } from './answers.js';
import { PromptCancelled, type Choice, type Prompter } from './prompter.js';
import { classify, descriptionOf, type FormNode } from './schema-view.js';

/**
 * The request form: asks for a variant, the customer and each input of a product, one question at a
 * time, checking every answer as it is given, and returns a request ready for validateRequest.
 */
export interface ReferenceChoice {
  /** The object's id: what the request holds. */
  id: string;
  /** What people see: the human-friendly id (e.g. a site's name), or the id when the kind has none. */
  label: string;
}

export interface AskInput {
  product: ProductDef;
  set: ProductSet;
  /** The variants to choose from (variantsOf(product), or the one the command line named). */
  variants: readonly Variant[];
  /** Existing objects per referenced kind (see referenceKinds / referenceChoicesFor). */
  choices: ReadonlyMap<string, readonly ReferenceChoice[]>;
  /** Offered as the customer's default. */
  customer?: string;
  /** Answers already given (flags): not asked again. Fixed-input values narrow the variants. */
  preset?: { customer?: string; inputs?: Record<string, unknown> };
}

export interface AskResult {
  variant: Variant;
  customer: string;
  /** The product's inputs (not the fixed inputs, not the customer). */
  inputs: Record<string, unknown>;
  /** The whole request, as validateRequest(product, set, request, { variant }) takes it. */
  request: Record<string, unknown>;
}

const NONE = Symbol('none');
type Picked = unknown;

export async function askRequest(input: AskInput, prompter: Prompter): Promise<AskResult> {
  try {
    const variant = await askVariant(input, prompter);
    return await new Form(input, prompter, variant).run();
  } catch (e) {
    if (e instanceof PromptCancelled) throw new UsageError('request/cancelled', 'cancelled, nothing created', { cause: e });
    throw e;
  }
}

/** Asked only when more than one variant remains once the fixed-input values already given narrow them. */
async function askVariant(input: AskInput, ask: Prompter): Promise<Variant> {
  const { product } = input;
  const preset = input.preset?.inputs ?? {};
  const given = product.fixedInputs.filter((fi) => Object.hasOwn(preset, fi.name));
  // --set values arrive as text: "1000" picks the variant whose bandwidth is 1000.
  const variants = input.variants.filter((v) => given.every((fi) => String(v.fixedInputs[fi.name]) === String(preset[fi.name])));
  if (!variants.length) {
    const wanted = given.map((fi) => `${fi.name}=${String(preset[fi.name])}`).join(', ');
    throw new UsageError('request/no-variant', `no variant of "${product.name}" has ${wanted || 'the values given'}`, {
      hint: `variants: ${input.variants.map((v) => v.name).join(', ') || '(none)'}`,
    });
  }
  if (variants.length === 1) return variants[0]!;
  const described = product.fixedInputs.filter((fi) => fi.values.length > 1);
  return ask.select<Variant>({
    message: 'variant',
    ...optional('hint', described.map((fi) => (fi.description ? `${fi.name}: ${fi.description}` : fi.name)).join('; ')),
    choices: variants.map((v) => ({ label: v.name, value: v, hint: described.map((fi) => `${fi.name}=${String(v.fixedInputs[fi.name])}`).join(' ') })),
  });
}

class Form {
  /** The request as answered so far: each answer is checked in its place in it. */
  private readonly draft: Draft;
  private readonly checker: AnswerChecker;
  private readonly fixedValues: Record<string, unknown> = {};

  constructor(
    private readonly input: AskInput,
    private readonly ask: Prompter,
    private readonly variant: Variant,
  ) {
    this.checker = new AnswerChecker(input.product, input.set, variant);
    // requestSchema lists only the fixed inputs that pick a variant; one-valued ones are not request keys.
    for (const fi of input.product.fixedInputs) if (fi.values.length > 1) this.fixedValues[fi.name] = variant.fixedInputs[fi.name];
    this.draft = { ...this.fixedValues };
  }

  async run(): Promise<AskResult> {
    const { product, set } = this.input;
    const preset = this.input.preset?.inputs ?? {};
    const customer = this.input.preset?.customer ?? (await this.askCustomer());
    this.draft.customer = customer;

    const schema = requestSchema(product, set, { variant: this.variant });
    const fixed = new Set(product.fixedInputs.map((f) => f.name));
    const required = new Set(schema.required as string[]);
    const inputs: Record<string, unknown> = {};
    for (const [key, s] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      if (fixed.has(key) || key === 'customer' || key === 'description') continue;
      const value = Object.hasOwn(preset, key) ? preset[key] : await this.askNode([key], s, required.has(key));
      setAt(this.draft, [key], value);
      if (value !== undefined) inputs[key] = value;
    }
    // Preset keys the form does not ask for (a typo) go through: validateRequest judges them.
    for (const [key, value] of Object.entries(preset)) if (!fixed.has(key) && !Object.hasOwn(inputs, key)) inputs[key] = value;
    // Last, like a form's remarks box: optional free text about the subscription.
    const description = Object.hasOwn(preset, 'description') ? undefined : await this.askDescription();
    return { variant: this.variant, customer, inputs, request: { ...this.fixedValues, customer, ...inputs, ...optional('description', description) } };
  }

  /** Undefined when left empty. */
  private async askDescription(): Promise<string | undefined> {
    const text = await this.ask.input({ message: 'description', hint: 'optional: free text about this subscription', validate: () => true });
    return text.trim() === '' ? undefined : text.trim();
  }

  private async askCustomer(): Promise<string> {
    const text = await this.ask.input({
      message: 'customer',
      hint: 'The customer the subscription is for',
      ...optional('default', this.input.customer),
      validate: (t) => this.check(['customer'], coerceText({ kind: 'text' }, t)),
    });
    return text.trim();
  }

  private async askNode(path: Path, s: JsonSchema, required: boolean): Promise<unknown> {
    const node = classify(s);
    switch (node.kind) {
      case 'reference':
      case 'enum':
        return this.askChoice(path, s, node, required);
      case 'bool':
        return this.ask.confirm({ message: showPath(path), ...optional('hint', hintFor(s, node, true)), default: s.default === true });
      case 'number':
      case 'text':
        return this.askText(path, s, node, required);
      case 'list':
        return this.askList(path, s, node, required);
      case 'object':
        if (!required && !(await this.ask.confirm({ message: `${showPath(path)}: fill it in?`, ...optional('hint', hintFor(s, node, false)), default: false }))) return undefined;
        return this.askObject(path, node);
    }
  }

  private async askChoice(path: Path, s: JsonSchema, node: FormNode, required: boolean): Promise<unknown> {
    const options = this.optionsFor(path, node, required);
    if (!options.length) return undefined;
    const def = s.default !== undefined ? s.default : required ? undefined : NONE;
    const picked = await this.ask.select<Picked>({
      message: showPath(path),
      ...optional('hint', hintFor(s, node, required)),
      choices: required ? options : [{ label: '(none)', value: NONE }, ...options],
      ...(def !== undefined ? { default: def } : {}),
    });
    return picked === NONE ? undefined : picked;
  }

  /** The values a choice offers; a required reference with nothing to pick is a dead end, said plainly. */
  private optionsFor(path: Path, node: FormNode, required: boolean): Choice<Picked>[] {
    if (node.kind === 'enum') return node.values.map((v) => ({ label: String(v), value: v }));
    if (node.kind !== 'reference') return [];
    const found = [...(this.input.choices.get(node.refKind) ?? [])].sort((a, b) => byText(a.label, b.label) || byText(a.id, b.id));
    if (!found.length && required) {
      throw new UsageError('request/no-choices', `${showPath(path)} needs a ${node.refKind}, and the inventory has none`, {
        hint: `add a ${node.refKind} to the inventory first (svc load), then request again`,
      });
    }
    return found.map((c) => ({ label: c.label, value: c.id, ...(c.label !== c.id ? { hint: `id ${c.id}` } : {}) }));
  }

  private async askText(path: Path, s: JsonSchema, node: FormNode, required: boolean): Promise<unknown> {
    const text = await this.ask.input({
      message: showPath(path),
      ...optional('hint', hintFor(s, node, required)),
      ...optional('default', asText(s.default)),
      validate: (t) => this.check(path, coerceText(node, t)),
    });
    return coerceText(node, text);
  }

  private async askList(path: Path, s: JsonSchema, node: Extract<FormNode, { kind: 'list' }>, required: boolean): Promise<unknown> {
    const item = classify(node.item);
    if (item.kind === 'object') return this.askObjectList(path, s, node, item, required);
    if (item.kind === 'enum' || item.kind === 'reference') return this.askChoiceList(path, s, node, item, required);
    const text = await this.ask.input({
      message: showPath(path),
      ...optional('hint', hintFor(s, node, required, 'comma-separated')),
      ...optional('default', asText(s.default)),
      validate: (t) => this.check(path, coerceList(item, t)),
    });
    return coerceList(item, text);
  }

  private async askChoiceList(path: Path, s: JsonSchema, list: Extract<FormNode, { kind: 'list' }>, item: FormNode, required: boolean): Promise<unknown> {
    const all = this.optionsFor(path, item, list.minItems > 0 && required);
    const picked: unknown[] = [];
    for (let i = 0; list.maxItems === undefined || i < list.maxItems; i++) {
      const left = all.filter((c) => !picked.includes(c.value));
      if (!left.length && i < list.minItems) {
        const what = item.kind === 'reference' ? `${item.refKind} objects, and the inventory has ${all.length}` : `values, and there are ${all.length}`;
        throw new UsageError('request/no-choices', `${showPath(path)} needs at least ${list.minItems} different ${what}`, {
          ...(item.kind === 'reference' ? { hint: `add more ${item.refKind} objects to the inventory first (svc load), then request again` } : {}),
        });
      }
      if (!left.length) break;
      const canStop = i >= list.minItems;
      const choice = await this.ask.select<Picked>({
        message: showPath([...path, i]),
        ...optional('hint', hintFor(s, list, required, `${item.kind === 'reference' ? `a ${item.refKind} each; ` : ''}${i} chosen`)),
        choices: canStop ? [{ label: i === 0 ? '(none)' : '(done)', value: NONE }, ...left] : left,
        ...(canStop ? { default: NONE } : {}),
      });
      if (choice === NONE) break;
      picked.push(choice);
    }
    return picked.length || required ? picked : undefined;
  }

  private async askObjectList(path: Path, s: JsonSchema, list: Extract<FormNode, { kind: 'list' }>, item: Extract<FormNode, { kind: 'object' }>, required: boolean): Promise<unknown> {
    const items: unknown[] = [];
    setAt(this.draft, path, items);
    for (let i = 0; list.maxItems === undefined || i < list.maxItems; i++) {
      if (i >= list.minItems) {
        const more = await this.ask.confirm({ message: `${showPath(path)}: add ${i === 0 ? 'one' : 'another'}?`, ...optional('hint', hintFor(s, list, required, `${i} so far`)), default: false });
        if (!more) break;
      }
      await this.askObject([...path, i], item); // lands in `items` through the draft
    }
    return items.length || required ? items : undefined;
  }

  private async askObject(path: Path, node: Extract<FormNode, { kind: 'object' }>): Promise<Record<string, unknown>> {
    const obj: Record<string, unknown> = {};
    setAt(this.draft, path, obj);
    for (const [key, s] of node.properties) {
      const v = await this.askNode([...path, key], s, node.required.has(key));
      if (v !== undefined) obj[key] = v;
    }
    return obj;
  }

  private check(path: Path, value: unknown): true | string {
    return this.checker.check(this.draft, path, value);
  }
}

/** The hint under a question: the field's description, then what it accepts. */
function hintFor(s: JsonSchema, node: FormNode, required: boolean, extra?: string): string | undefined {
  const parts: string[] = [];
  const d = descriptionOf(s);
  // requestSchema describes an undocumented reference "a <Kind>, by id": the form picks by name instead.
  if (node.kind === 'reference' && d?.startsWith(`a ${node.refKind}, by id`)) parts.push(`a ${node.refKind}`);
  else if (d) parts.push(d);
  if (node.kind === 'number') {
    if (node.minimum !== undefined && node.maximum !== undefined) parts.push(`${node.minimum} to ${node.maximum}`);
    else if (node.minimum !== undefined) parts.push(`at least ${node.minimum}`);
    else if (node.maximum !== undefined) parts.push(`at most ${node.maximum}`);
  }
  if (node.kind === 'list') {
    if (extra) parts.push(extra);
    if (node.minItems > 0 && node.maxItems !== undefined) parts.push(`${node.minItems} to ${node.maxItems} items`);
    else if (node.minItems > 0) parts.push(`at least ${node.minItems}`);
    else if (node.maxItems !== undefined) parts.push(`at most ${node.maxItems}`);
  }
  if (!required && node.kind !== 'bool') parts.push('optional');
  return parts.length ? parts.join('; ') : undefined;
}

function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined || v === '' ? {} : { [key]: v }) as { [P in K]?: V };
}
