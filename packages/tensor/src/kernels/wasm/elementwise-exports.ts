// The elementwise exports of kernels.as that the two-thread backend may cut in two, each called as
// (n, pointers…, doubles…). The worker finds an export by its index in this list.

export const ELEMENTWISE_EXPORTS = [
  'tanh_f32',
  'tanh_f64',
  'tanh_backward_f32',
  'tanh_backward_f64',
  'abs_max_f32',
  'abs_max_f64',
  'adagrad_f32',
  'adagrad_f64',
] as const;

export type ElementwiseExport = (typeof ELEMENTWISE_EXPORTS)[number];
