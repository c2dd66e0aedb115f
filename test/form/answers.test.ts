import { describe, expect, it } from 'vitest';
import { coerceAnswer, showPath } from '../../src/cli/form/answers.js';
import { requestSchema, type JsonSchema } from '../../src/core/products/inputs.js';
import { labSet } from './products.js';

const set = labSet();
const props = requestSchema(set.products.get('lab')!, set).properties as Record<string, JsonSchema>;

describe('typed text into values', () => {
  it.each([
    ['racks', '4', 4],
    ['racks', ' -2 ', -2],
    ['racks', '2.5', 2.5],
    ['racks', '1e2', 100],
    ['racks', 'four', 'four'],
    ['racks', '', undefined],
    ['label', '  lab 1 ', 'lab 1'],
    ['label', '   ', undefined],
    ['monitored', 'TRUE', true],
    ['monitored', 'yes', 'yes'],
    ['ports', '80, 443', [80, 443]],
    ['ports', '80,,x', [80, '', 'x']],
    ['ports', '', undefined],
    ['tags', 'ops, qa', ['ops', 'qa']],
  ])('%s: %j → %j', (key, text, value) => {
    expect(coerceAnswer(props[key]!, text)).toEqual(value);
  });

  it('names nested inputs as validation messages do', () => {
    expect(showPath(['saps', 0, 'vlan'])).toBe('saps[0].vlan');
    expect(showPath(['noc_contacts', 2])).toBe('noc_contacts[2]');
  });
});
