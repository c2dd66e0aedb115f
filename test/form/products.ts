import { variantsOf } from '../../src/core/products/variants.js';
import type { ProductSet } from '../../src/core/products/model.js';
import type { AskInput, ReferenceChoice } from '../../src/cli/form/ask.js';
import { fixtureFiles, loadOk } from '../products/helpers.js';

/** A product with one field of every kind the form asks for differently. */
export const LAB = `
name: lab
type: Lab
tag: LAB
fixed_inputs:
  - name: tier
    type: enum
    enum_type: str
    values: [bronze, gold]
    description: Support tier
product_blocks:
  - name: lab
    type: Lab
    tag: LAB
    fields:
      - name: racks
        type: int
        min_value: 1
        max_value: 10
        description: How many racks
        required: provisioning
      - name: colour
        type: enum
        enum_type: str
        values: [red, green, blue]
        default: green
        required: provisioning
      - name: tags
        type: list
        list_type: enum
        values: [ops, dev, qa]
        max_items: 2
        role: input
      - name: sites
        type: list
        list_type: LocationSite
        min_items: 2
        required: provisioning
      - name: ports
        type: list
        list_type: int
        min_items: 1
        max_items: 3
        required: provisioning
      - name: monitored
        type: bool
        default: true
        role: input
      - name: settings
        type: Settings
        role: input
      - name: label
        type: str
        role: input
  - name: settings
    type: Settings
    tag: SET
    fields:
      - name: mode
        type: str
        required: provisioning
workflows:
  - name: create
    enabled: true
`;

export function labSet(): ProductSet {
  return loadOk([{ file: 'products/lab.yml', text: LAB }]);
}

export function surfSet(): ProductSet {
  return loadOk(fixtureFiles('surf'));
}

export const SITES: ReferenceChoice[] = [
  { id: 'site-rtm', label: 'rtm1' },
  { id: 'site-ams', label: 'ams1' },
];

export function formInput(set: ProductSet, name: string, extra: Partial<AskInput> = {}): AskInput {
  const product = set.products.get(name)!;
  return { product, set, variants: variantsOf(product), choices: new Map([['LocationSite', SITES]]), ...extra };
}
