import { classify, descriptionOf } from '../cli/form/schema-view.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { JsonSchema } from '../core/products/inputs.js';
import { html, type Html } from './html.js';
import { CSRF_FIELD } from './security.js';

/**
 * A product's request form, generated from the JSON Schema the CLI validates against
 * (requestSchema, with references listed from the inventory): the form cannot offer what the
 * request would refuse, nor miss an input it requires. Values travel as text and are coerced
 * exactly as `svc request create --set` coerces them.
 */
export interface FormState {
  values: Record<string, string>;
  problems: Diagnostic[];
}

const id = (key: string) => `in-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;

export function renderForm(schema: JsonSchema, action: string, csrf: string, state: FormState): Html {
  const props = Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {});
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const fields = props.map(([key, s]) => field(key, s, required.has(key), state));
  const summary = state.problems.length
    ? html`<div class="errors" role="alert" id="problems"><p class="error">The request has ${state.problems.length} problem${state.problems.length === 1 ? '' : 's'}:</p><ul>${state.problems.map(
        (p) => html`<li>${p.key ? html`<a href="#${id(p.key.split(/[.[]/)[0]!)}">${p.message}</a>` : p.message}${p.hint ? html` <span class="help">(${p.hint})</span>` : ''}</li>`,
      )}</ul></div>`
    : '';
  return html`${summary}<form method="post" action="${action}" class="card" novalidate>
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
${fields}
<div class="actions"><button type="submit" name="_action" value="preview" class="secondary">Preview the change</button><button type="submit" name="_action" value="submit">Submit the request</button></div>
</form>`;
}

function field(key: string, s: JsonSchema, required: boolean, state: FormState): Html {
  const mine = state.problems.filter((p) => p.key === key || p.key?.startsWith(`${key}.`) || p.key?.startsWith(`${key}[`));
  const value = state.values[key] ?? (s.default !== undefined && typeof s.default !== 'object' ? String(s.default) : '');
  const node = classify(s);
  const fid = id(key);
  const errId = `${fid}-error`;
  const helpId = `${fid}-help`;
  let help = descriptionOf(s) ?? '';
  const attrs = html`id="${fid}" name="${key}"${required ? html` required aria-required="true"` : ''}${mine.length ? html` aria-invalid="true"` : ''} aria-describedby="${helpId} ${errId}"`;
  let control: Html;
  switch (node.kind) {
    case 'enum':
      control = html`<select ${attrs}>${required && value !== '' ? '' : html`<option value="">(choose)</option>`}${node.values.map((v) => html`<option${String(v) === value ? html` selected` : ''}>${String(v)}</option>`)}</select>`;
      break;
    case 'reference': {
      const choices = Array.isArray(s.enum) ? (s.enum as unknown[]).map(String) : [];
      help = `${help ? `${help}; ` : ''}type to search ${choices.length} existing ${node.refKind} object${choices.length === 1 ? '' : 's'}`;
      control = html`<input type="text" list="${fid}-list" autocomplete="off" value="${value}" ${attrs}><datalist id="${fid}-list">${choices.map((v) => html`<option value="${v}"></option>`)}</datalist>`;
      break;
    }
    case 'bool':
      control = html`<select ${attrs}><option value="">(not set)</option>${['true', 'false'].map((v) => html`<option${v === value ? html` selected` : ''}>${v}</option>`)}</select>`;
      break;
    case 'number':
      control = html`<input type="text" inputmode="numeric" value="${value}" ${attrs}>`;
      help = [help, node.minimum !== undefined ? `from ${node.minimum}` : '', node.maximum !== undefined ? `up to ${node.maximum}` : ''].filter(Boolean).join(', ');
      break;
    case 'list':
      control = html`<input type="text" value="${value}" ${attrs}>`;
      help = `${help ? `${help}; ` : ''}several values separated by commas`;
      break;
    case 'object':
      control = html`<input type="text" value="${value}" ${attrs}>`;
      help = `${help ? `${help}; ` : ''}a nested block: give it with \`svc request create -f request.yml\``;
      break;
    default:
      control = key === 'description' ? html`<textarea rows="2" ${attrs}>${value}</textarea>` : html`<input type="text" value="${value}" ${attrs}>`;
  }
  return html`<div class="field"><label for="${fid}">${key.replace(/_/g, ' ')}${required ? html` <span aria-hidden="true">*</span>` : ' (optional)'}</label>
<p class="help" id="${helpId}">${help}</p>${control}<div id="${errId}">${mine.map((p) => html`<p class="error">${p.message}${p.hint ? html` <span class="help">(${p.hint})</span>` : ''}</p>`)}</div></div>`;
}
