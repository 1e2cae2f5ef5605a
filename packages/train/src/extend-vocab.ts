// Continuing on new text whose alphabet is larger (--init with --extend-vocab): the checkpoint's
// characters keep their ids, the new ones are appended (sorted by code point), and the weights
// that touch a character — input columns of the first layer, decoder rows and biases — are copied
// for the old ids while the new ids keep the fresh initialization the trainer gave them.
// Dimension letters: V old vocabulary, V' extended, H hidden, G gates.

import { Vocabulary } from '@charrnn/corpus';
import { DECODER_BIAS, DECODER_WEIGHT, layerParamNames, type CharRnnModel } from '@charrnn/model';
import type { FloatArray } from '@charrnn/tensor';
import { CheckpointError, type Checkpoint } from './checkpoint.js';

/** The checkpoint's vocabulary with the characters of `text` it lacks appended; `added` lists those. */
export function extendVocabulary(vocab: Vocabulary, text: string): { vocab: Vocabulary; added: string[] } {
  const added = vocab.findUnknown(text).sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  return { vocab: added.length ? Vocabulary.fromJSON([...vocab.toJSON(), ...added]) : vocab, added };
}

/**
 * Copies a checkpoint's weights into a model whose vocabulary extends the checkpoint's (same
 * characters first, more after). Everything not indexed by a character must match exactly.
 */
export function loadWeightsExtendingVocab(model: CharRnnModel, checkpoint: Checkpoint): void {
  const { cell, vocabSize: V, hiddenSize, layers } = checkpoint.model;
  const c = model.config;
  const extended = c.vocabSize;
  if (c.cell !== cell || c.hiddenSize !== hiddenSize || c.layers !== layers || extended < V) {
    throw new CheckpointError(
      `checkpoint holds a ${layers}-layer ${cell} with V=${V}, H=${hiddenSize}; extending its vocabulary needs the same architecture and V' >= V, got a ${c.layers}-layer ${c.cell} with V=${extended}, H=${c.hiddenSize}`,
    );
  }
  const inputWeight = layerParamNames(0).weightIh; // [G·H, V]: one column per character
  for (const p of model.params.list) {
    const saved = checkpoint.tensors.get(p.name);
    if (!saved) throw new CheckpointError(`checkpoint must have tensor "${p.name}", got none`);
    const data = saved.data as FloatArray;
    if (p.name === inputWeight) {
      const rows = p.shape[0]!;
      for (let r = 0; r < rows; r++) p.value.set(data.subarray(r * V, (r + 1) * V), r * extended);
    } else {
      // decoder.weight [V, H] rows and decoder.bias [V]: the old ids come first; other tensors match in size.
      const expected = p.name === DECODER_WEIGHT ? V * hiddenSize : p.name === DECODER_BIAS ? V : p.value.length;
      if (data.length !== expected)
        throw new CheckpointError(`tensor "${p.name}" must have ${expected} entries, got ${data.length}`);
      p.value.set(data);
    }
    p.grad.fill(0);
  }
}
