// Train a tiny character model with the charrnn packages, save a checkpoint, load it, sample.
import { readFileSync, writeFileSync } from 'node:fs';
import { selectKernels } from '@charrnn/kernels-wasm';
import { sampleIds } from '@charrnn/model';
import { createCsvLogSink } from '@charrnn/report';
import { decodeSafetensors } from '@charrnn/safetensors';
import { Prng } from '@charrnn/tensor';
import { Trainer, decodeCheckpoint, modelFromCheckpoint, prepareData, resolveTrainConfig } from '@charrnn/train';

const sentence =
  'One morning, as Gregor Samsa was waking up from anxious dreams, he discovered that in bed he had been changed into a monstrous verminous bug. ';
const text = sentence.repeat(20);
const config = resolveTrainConfig({
  hidden: 32,
  seqLength: 16,
  steps: 30,
  optimizer: 'adam',
  lr: 0.01,
  evalEvery: 10,
  logEvery: 10,
  sampleEvery: 0,
});
const data = prepareData(text, config.valFraction, config.seqLength, config.batchSize);
const { kernels, notice } = selectKernels('auto'); // WebAssembly SIMD where the runtime has it
if (notice) console.log(notice);

const trainer = new Trainer({ config, data, clock: () => performance.now(), kernels });
let csv = '';
const log = createCsvLogSink({
  write: (row) => {
    csv += row;
  },
});
for await (const event of trainer.run()) {
  await log.handle(event);
  if (event.type === 'step' && event.valLoss !== undefined)
    console.log(`step ${event.step}: val_loss ${event.valLoss.toFixed(3)}`);
}
writeFileSync('tiny.safetensors', trainer.checkpointBytes());
console.log(`logged ${csv.trim().split('\n').length - 1} rows; saved tiny.safetensors`);

const bytes = new Uint8Array(readFileSync('tiny.safetensors'));
const names = [...decodeSafetensors(bytes).tensors.keys()];
console.log(`weights: ${names.filter((name) => !name.startsWith('optim.')).join(', ')}`); // PyTorch's names
const checkpoint = decodeCheckpoint(bytes);
const model = modelFromCheckpoint(checkpoint, kernels);
const ids = sampleIds(model, { prime: checkpoint.vocab.encode('One'), length: 60, temperature: 0.8 }, new Prng(1));
console.log(`sample: One${checkpoint.vocab.decode(ids)}`);
