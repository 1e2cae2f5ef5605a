// --unit is an option like any other in a sweep spec: fixed in base, swept in space, checked.
import { expect, it } from 'vitest';
import { SpecError, parseSpecText } from './spec.js';

it('takes unit in base and in space, and refuses an unknown unit naming the choices', () => {
  expect(parseSpecText('budget: { steps: 10 }\nbase: { unit: byte }\nspace: { hidden: [8] }\n').base).toEqual({
    unit: 'byte',
  });
  const swept = parseSpecText('budget: { steps: 10 }\nspace: { unit: [char, byte] }\n');
  expect(swept.space.map((p) => p.key)).toEqual(['unit']);
  let problems: readonly string[] = [];
  try {
    parseSpecText('budget: { steps: 10 }\nbase: { unit: word }\nspace: { hidden: [8] }\n');
  } catch (error) {
    if (error instanceof SpecError) problems = error.problems;
  }
  expect(problems.join('\n')).toMatch(/base\.unit must be one of char, byte/);
});
