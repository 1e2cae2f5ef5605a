// The space-restoration page's script: trains SpaceRestorer on the text box (on this thread: the
// trainer yields to the page every ~50 ms, so it stays responsive) and restores the spaces of the
// input box as it is typed.

import { selectKernels } from '@charrnn/kernels-wasm';
import sample from '../assets/alice.txt';
import { SpaceRestorer } from './spaces-demo.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const text = byId<HTMLTextAreaElement>('spaces-text');
const trainButton = byId<HTMLButtonElement>('spaces-train');
const stopButton = byId<HTMLButtonElement>('spaces-stop');
const status = byId<HTMLSpanElement>('spaces-status');
const progress = byId<HTMLProgressElement>('spaces-progress');
const input = byId<HTMLTextAreaElement>('spaces-input');
const output = byId<HTMLOutputElement>('spaces-output');

text.value = sample;
const restorer = new SpaceRestorer(selectKernels('auto').kernels, () => performance.now());
const percent = (x: number | undefined): string => (x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);

function showRestored(): void {
  if (restorer.ready) output.textContent = restorer.restore(input.value);
}

trainButton.addEventListener('click', async () => {
  trainButton.disabled = true;
  stopButton.disabled = false;
  try {
    // ?steps=N shortens training (the page's browser test uses it).
    const steps = Number(new URLSearchParams(location.search).get('steps'));
    const overrides = Number.isInteger(steps) && steps > 0 ? { steps, evalEvery: Math.min(250, steps) } : {};
    const last = await restorer.train(
      text.value,
      (p) => {
        progress.value = p.step / p.totalSteps;
        status.textContent = `step ${p.step} of ${p.totalSteps}; held-out F1 ${percent(p.valF1)}, accuracy ${percent(p.valAccuracy)}`;
        if (p.step % 250 === 0) showRestored();
      },
      overrides,
    );
    status.textContent = `Trained: held-out F1 ${percent(last.valF1)}, accuracy ${percent(last.valAccuracy)} (step ${last.step}).`;
    showRestored();
  } catch (error) {
    status.textContent = `Could not train: ${(error as Error).message}`;
  } finally {
    trainButton.disabled = false;
    stopButton.disabled = true;
  }
});
stopButton.addEventListener('click', () => restorer.stop());
input.addEventListener('input', showRestored);
