// A tree model as a GradTarget: the mean loss of one batch of trees as a function of every
// parameter (tree.weight_ih, tree.weight_hh, tree.bias, classifier.*). Trees have no carried
// state between batches, so the parameters are the whole input.

import type { TreeBatch, TreeModel } from '@charrnn/model';
import type { GradTarget } from './target.js';

export function treeModelTarget(model: TreeModel, batch: TreeBatch): GradTarget {
  if (model.config.dtype !== 'f64') {
    throw new RangeError(
      `treeModelTarget: model dtype must be f64 (finite differences need float64; build the model with dtype: 'f64'), got ${model.config.dtype}`,
    );
  }
  return {
    tensors: model.params.list,
    evaluate: (withGradients) => (withGradients ? model.lossAndGradients(batch) : model.forward(batch)),
  };
}
