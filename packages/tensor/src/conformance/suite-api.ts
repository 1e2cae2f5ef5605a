// The little of a test framework the conformance suite uses, so @charrnn/tensor depends on none:
// a backend's spec passes vitest's (or jest's) describe, it, expect and beforeAll.

import type { Kernels } from '../kernels/kernels.js';

export interface Matchers {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeNaN(): void;
  toBeInstanceOf(expected: unknown): void;
  toThrow(expected?: unknown): void;
}

export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void | Promise<void>): void;
  beforeAll(body: () => unknown): void;
  expect(actual: unknown, message?: string): Matchers;
}

/** A backend under test: its name in the suite titles and, if it starts asynchronously, what to await first. */
export interface ConformanceBackend {
  readonly label: string;
  readonly kernels: Kernels;
  readonly ready?: () => Promise<void>;
}
