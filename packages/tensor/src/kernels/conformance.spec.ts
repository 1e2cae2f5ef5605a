// The conformance suite (src/conformance/) run on this package's backend, the reference kernels:
// their float64-loop cases (the fused kernels' comparisons skip the reference, which is never
// compared with itself: reference-*-kernels.spec.ts check it against closed forms). The fast
// backends run the same suite from @charrnn/kernels-wasm. Also here: the checkers' negative tests
// and completeKernels.

import { beforeAll, describe, expect, it } from 'vitest';
import { describeKernelConformance, expectClose } from '../conformance/kernel-conformance.js';
import { checkAgainstReference, evalDim, makeCase, tableCoveredKernels } from '../conformance/table-conformance.js';
import { Prng } from '../prng.js';
import { completeKernels } from './complete.js';
import { KERNEL_TABLE } from './kernel-table.js';
import type { TestOnlyKernelMethods } from './kernels.generated.js';
import type { Kernels } from './kernels.js';
import { referenceKernels } from './reference.js';

describeKernelConformance({ describe, it, expect, beforeAll }, [{ label: 'reference', kernels: referenceKernels }]);

describe('kernel conformance: checkers', () => {
  it('expectClose fails on a wrong value (negative test)', () => {
    expect(() => expectClose('f64', 1 + 1e-9, 1, 1, 'probe')).toThrow(/probe: got/);
    expect(() => expectClose('f32', 1 + 1e-3, 1, 1, 'probe')).toThrow(/probe: got/);
    expect(() => expectClose('f32', 1 + 1e-6, 1, 1, 'probe')).not.toThrow();
  });

  it('the table suite fails a backend whose kernel differs from the reference (negative test)', () => {
    const off: Kernels & TestOnlyKernelMethods = {
      ...referenceKernels,
      name: 'off by a little',
      scaledAddTestOnly(rows, cols, alpha, x, xOff, y, out, outOff) {
        referenceKernels.scaledAddTestOnly(rows, cols, alpha, x, xOff, y, out, outOff);
        if (rows > 0 && cols > 0) out[outOff + rows * cols - 1]! += 1e-3;
      },
    };
    expect(() => checkAgainstReference(off, 'scaledAddTestOnly', 'f64', 'heap')).toThrow(/scaledAddTestOnly trial/);
    // A write past the block is caught too: every array is compared, padding included.
    const past: Kernels & TestOnlyKernelMethods = {
      ...referenceKernels,
      name: 'writes past out',
      scaledAddTestOnly(rows, cols, alpha, x, xOff, y, out, outOff) {
        referenceKernels.scaledAddTestOnly(rows, cols, alpha, x, xOff, y, out, outOff);
        out[outOff + rows * cols] = 5;
      },
    };
    expect(() => checkAgainstReference(past, 'scaledAddTestOnly', 'f32', 'heap')).toThrow(/out\[/);
  });

  it('covers every generated kernel of the table, the test-only one included', () => {
    const covered = tableCoveredKernels().map(([name]) => name);
    expect(covered).toContain('scaledAddTestOnly');
    expect(covered).toContain('lstmBackward');
    expect(covered).not.toContain('gemm'); // hand-written: its own cases above
  });

  it('evaluates dimensions as sums of products', () => {
    expect(evalDim('steps*B+B', { steps: 3, B: 2 })).toBe(8);
    expect(evalDim('4*H', { H: 5 })).toBe(20);
    expect(evalDim('1', {})).toBe(1);
    expect(() => evalDim('2*Q', {})).toThrow(/Q must be an int argument/);
  });

  it('makes inputs of the declared shapes: views of one array apart, ids in range', () => {
    const prng = new Prng(3);
    for (let trial = 0; trial < 20; trial++) {
      const c = makeCase(KERNEL_TABLE.lstmForward, prng, trial);
      const { rows, H } = c.ints as { rows: number; H: number };
      expect(c.offsets.cOff! >= c.offsets.cPrevOff! + rows * H).toBe(true);
      expect(c.values.c!.length).toBe(c.offsets.cOff! + rows * H + 1);
      const g = makeCase(KERNEL_TABLE.gatherRows, prng, trial);
      const ids = Array.from(g.ids.ids!);
      expect(ids.every((id) => id >= 0 && id < g.ints.tableRows!)).toBe(true);
    }
  });
});

describe('completeKernels', () => {
  it("keeps a backend's own operations and fills the missing ones from the reference kernels", () => {
    const calls: string[] = [];
    const partial: Kernels = {
      ...pickCore(referenceKernels),
      name: 'partial',
      tanh(n, x, xOff, out, outOff) {
        calls.push(this.name);
        referenceKernels.tanh(n, x, xOff, out, outOff);
      },
    };
    const complete = completeKernels(partial);
    expect(complete.name).toBe('partial');
    complete.tanh(1, new Float64Array([0]), 0, new Float64Array(1), 0);
    expect(calls).toEqual(['partial']);
    expect(complete.transpose).toBe(referenceKernels.transpose);
    expect(complete.lstmBackward).toBe(referenceKernels.lstmBackward);
  });
});

function pickCore(k: Kernels): Kernels {
  const { name, alloc, gemm, gemv, ger, tanh, sigmoid, softmaxCrossEntropy } = k;
  return { name, alloc, gemm, gemv, ger, tanh, sigmoid, softmaxCrossEntropy };
}
