// The sweep specs committed under examples/sweeps are documentation that runs: each must parse,
// validate and expand into trials whose training configurations the trainer accepts.

import { readdirSync, readFileSync } from 'node:fs';
import { resolveTrainConfig } from '@charrnn/train';
import { expandTrials, parseSpecText } from '@charrnn/sweep';
import { describe, expect, it } from 'vitest';

const folder = new URL('../../../examples/sweeps/', import.meta.url);
const specs = readdirSync(folder).filter((name) => name.endsWith('.yaml'));

describe('examples/sweeps', () => {
  it('holds the committed specs', () => {
    expect(specs).toContain('kafka-story-cpu600.yaml');
    expect(specs.length).toBeGreaterThanOrEqual(5);
  });

  it.each(specs)('%s parses, validates and expands into valid trials', (name) => {
    const spec = parseSpecText(readFileSync(new URL(name, folder), 'utf8'));
    const trials = expandTrials(spec);
    expect(trials.length).toBeGreaterThan(0);
    for (const trial of trials) expect(() => resolveTrainConfig(trial.config)).not.toThrow();
  });
});
