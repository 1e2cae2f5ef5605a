// The page: reads the text and the settings, sends commands to the training worker and shows what
// comes back (a live chart, statistics, samples, checkpoints). No model lives on this thread, so the
// page stays responsive while the worker trains.

import { DEFAULT_TRAIN_CONFIG } from '@charrnn/train';
import type { TrainingEvent } from '@charrnn/report';
import sampleText from '../assets/alice.txt';
import { LossChart } from './loss-chart.js';
import { forgetSavedModel, loadSavedModel, saveModel } from './persistence.js';
import type { FromWorker, ModelSummary, PageConfig, RunStatus, ToWorker } from './protocol.js';
import { RecentLoss } from './recent-loss.js';
import { textRefusal } from './text-check.js';
import { TextBox } from './text-box.js';

/** The seed's model and optimizer; a budget and periods that suit watching a run in a page. */
const PAGE_DEFAULTS: PageConfig = {
  cell: DEFAULT_TRAIN_CONFIG.cell,
  layers: DEFAULT_TRAIN_CONFIG.layers,
  hidden: DEFAULT_TRAIN_CONFIG.hidden,
  seqLength: DEFAULT_TRAIN_CONFIG.seqLength,
  batchSize: DEFAULT_TRAIN_CONFIG.batchSize,
  optimizer: DEFAULT_TRAIN_CONFIG.optimizer,
  lr: DEFAULT_TRAIN_CONFIG.lr,
  steps: 100_000,
  evalEvery: 1000,
  sampleEvery: 1000,
  temperature: DEFAULT_TRAIN_CONFIG.temperature,
  seed: DEFAULT_TRAIN_CONFIG.seed,
};
const NUMERIC_KEYS = [
  'layers',
  'hidden',
  'seqLength',
  'batchSize',
  'lr',
  'steps',
  'evalEvery',
  'sampleEvery',
  'seed',
] as const;
const CHOICE_KEYS = ['cell', 'optimizer'] as const;
/** The latest samples stay on the page, in full (a scrolling box cut the oldest one in half). */
const MAX_TRAINING_SAMPLES = 8;
const STATS_EVERY_MS = 200;
const PERSIST_EVERY_MS = 15_000;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`page: element #${id} is missing`);
  return element as T;
}

const ui = {
  engine: byId('engine'),
  text: byId<HTMLTextAreaElement>('text'),
  textInfo: byId('text-info'),
  textFile: byId<HTMLInputElement>('text-file'),
  useSample: byId<HTMLButtonElement>('use-sample'),
  clearText: byId<HTMLButtonElement>('clear-text'),
  settings: byId<HTMLFormElement>('settings'),
  defaults: byId<HTMLButtonElement>('defaults'),
  start: byId<HTMLButtonElement>('start'),
  pause: byId<HTMLButtonElement>('pause'),
  resume: byId<HTMLButtonElement>('resume'),
  reset: byId<HTMLButtonElement>('reset'),
  runStatus: byId('run-status'),
  stat: {
    step: byId('stat-step'),
    chars: byId('stat-chars'),
    loss: byId('stat-loss'),
    val: byId('stat-val'),
    speed: byId('stat-speed'),
  },
  prime: byId<HTMLInputElement>('prime'),
  temperature: byId<HTMLInputElement>('temperature'),
  temperatureValue: byId<HTMLOutputElement>('temperature-value'),
  sampleLength: byId<HTMLInputElement>('sample-length'),
  sampleNow: byId<HTMLButtonElement>('sample-now'),
  sampleOutput: byId('sample-output'),
  trainingSamples: byId<HTMLOListElement>('training-samples'),
  download: byId<HTMLButtonElement>('download'),
  checkpointFile: byId<HTMLInputElement>('checkpoint-file'),
  evaluate: byId<HTMLButtonElement>('evaluate'),
  persist: byId<HTMLInputElement>('persist'),
  checkpointInfo: byId('checkpoint-info'),
};

const chart = new LossChart(byId('chart'));
const textBox = new TextBox(ui.text, ui.textInfo, (request) => send(request, [request.bytes]));
const worker = new Worker(new URL('./worker.js', import.meta.url));
let status: RunStatus = 'idle';
let model: ModelSummary | null = null;
/** A checkpoint was loaded and no run has started since: Start continues from its weights. */
let loadedIdle = false;
let sampleRequest = 0;
let lastPersist = 0;

function send(message: ToWorker, transfer: Transferable[] = []): void {
  worker.postMessage(message, transfer);
}

// ---- settings ----

function writeSettings(config: PageConfig): void {
  for (const key of NUMERIC_KEYS) byId<HTMLInputElement>(key).value = String(config[key]);
  for (const key of CHOICE_KEYS) byId<HTMLSelectElement>(key).value = config[key];
  ui.temperature.value = String(config.temperature);
  showTemperature();
}

function readSettings(): PageConfig | null {
  if (!ui.settings.reportValidity()) return null;
  const numbers = Object.fromEntries(NUMERIC_KEYS.map((key) => [key, Number(byId<HTMLInputElement>(key).value)]));
  const choices = Object.fromEntries(CHOICE_KEYS.map((key) => [key, byId<HTMLSelectElement>(key).value]));
  return { ...PAGE_DEFAULTS, ...numbers, ...choices, temperature: Number(ui.temperature.value) } as PageConfig;
}

// ---- text ----

async function openDroppedFile(file: File): Promise<void> {
  if (file.name.endsWith('.safetensors')) return loadCheckpointFile(file);
  return textBox.open(file);
}

async function loadCheckpointFile(file: File): Promise<void> {
  const bytes = await file.arrayBuffer();
  send({ type: 'load', bytes, name: file.name }, [bytes]);
}

// ---- rendering worker messages ----

function showStatus(next: RunStatus, summary: ModelSummary | null): void {
  showStep();
  chart.redraw();
  status = next;
  model = summary;
  const busy = status === 'running' || status === 'paused';
  ui.start.disabled = busy;
  ui.start.textContent = loadedIdle && status === 'idle' ? 'Start from the loaded model' : 'Start';
  ui.pause.disabled = status !== 'running';
  ui.resume.disabled = status !== 'paused';
  ui.reset.disabled = status === 'idle' && !model;
  ui.sampleNow.disabled = !model;
  ui.download.disabled = !model;
  ui.evaluate.disabled = !model;
  for (const element of ui.settings.elements) (element as HTMLInputElement).disabled = busy;
  ui.runStatus.dataset.status = status;
  const about = model
    ? ` ${model.layers}-layer ${model.cell.toUpperCase()}, H=${model.hidden}, vocabulary ${model.vocabSize}, ${model.paramCount.toLocaleString('en')} parameters (${model.source}).`
    : '';
  const words: Record<RunStatus, string> = {
    idle: model ? 'Ready.' : 'Idle.',
    running: 'Training…',
    paused: 'Paused.',
    finished: 'Finished.',
  };
  ui.runStatus.textContent = words[status] + about;
  if (persistWanted() && (status === 'paused' || status === 'finished'))
    send({ type: 'checkpoint', purpose: 'persist' });
}

let pendingStep: Extract<TrainingEvent, { type: 'step' }> | null = null;
let stepTimer: ReturnType<typeof setTimeout> | null = null;
let speed: number | null = null;
const recentLoss = new RecentLoss();
function showStep(): void {
  if (stepTimer !== null) clearTimeout(stepTimer);
  stepTimer = null;
  const event = pendingStep;
  pendingStep = null;
  if (!event) return;
  ui.stat.step.dataset.value = String(event.step);
  const trainingBits = recentLoss.bits();
  ui.stat.loss.dataset.value = String(trainingBits);
  if (speed !== null) ui.stat.speed.dataset.value = String(speed);
  ui.stat.step.textContent = `${event.step.toLocaleString('en')} / ${event.totalSteps.toLocaleString('en')}`;
  ui.stat.chars.textContent = event.chars.toLocaleString('en');
  ui.stat.loss.textContent = trainingBits.toFixed(3);
  ui.stat.speed.textContent = speed === null ? '–' : Math.round(speed).toLocaleString('en');
}

function showEvent(event: TrainingEvent): void {
  switch (event.type) {
    case 'start':
      ui.engine.textContent = `${ui.engine.dataset.engine ?? ''} Training ${event.paramCount.toLocaleString('en')} parameters on ${event.trainChars.toLocaleString('en')} characters (validation ${event.valChars.toLocaleString('en')}).`;
      break;
    case 'step':
      // Step events come hundreds of times a second: the numbers are drawn a few times a second
      // (drawing costs this thread, the compositor and the rasterizer as much CPU as training).
      if (pendingStep === null) stepTimer = setTimeout(showStep, STATS_EVERY_MS);
      pendingStep = event;
      showSpeed(event);
      chart.addStep(event.chars, event.loss / Math.LN2, recentLoss.add(event.loss));
      break;
    case 'eval':
      ui.stat.val.textContent = event.valBpc.toFixed(3);
      ui.stat.val.dataset.value = String(event.valBpc);
      chart.addValidation(event.chars, event.valBpc);
      if (persistWanted() && performance.now() - lastPersist > PERSIST_EVERY_MS)
        send({ type: 'checkpoint', purpose: 'persist' });
      break;
    case 'sample': {
      const item = document.createElement('li');
      const step = document.createElement('span');
      step.className = 'step';
      step.textContent = `step ${event.step.toLocaleString('en')}`;
      item.append(step, event.prime + event.text);
      ui.trainingSamples.prepend(item);
      while (ui.trainingSamples.children.length > MAX_TRAINING_SAMPLES) ui.trainingSamples.lastElementChild!.remove();
      break;
    }
    case 'done':
      // The whole run's throughput, evaluations and samples included (the measurement script reads it).
      ui.runStatus.dataset.charsPerSec = String(event.chars / Math.max(event.elapsedSec, 1e-9));
      if (event.reason === 'diverged')
        showError(`Training stopped: ${event.message ?? 'the loss diverged'}. Try a smaller learning rate.`);
      break;
    case 'checkpoint':
      break;
  }
}

/** Training speed over the last few step events, leaving out the windows that held a validation pass. */
const speedWindows: { chars: number; seconds: number }[] = [];
let previousStepChars = 0;
function showSpeed(event: Extract<TrainingEvent, { type: 'step' }>): void {
  const chars = event.chars - previousStepChars;
  previousStepChars = event.chars;
  if (event.valLoss !== undefined || chars <= 0 || !(event.charsPerSec > 0)) return;
  speedWindows.push({ chars, seconds: chars / event.charsPerSec });
  if (speedWindows.length > 30) speedWindows.shift();
  const total = speedWindows.reduce((sum, w) => ({ chars: sum.chars + w.chars, seconds: sum.seconds + w.seconds }), {
    chars: 0,
    seconds: 0,
  });
  speed = total.chars / total.seconds;
}

function showError(message: string, hint?: string): void {
  ui.checkpointInfo.textContent = '';
  ui.runStatus.dataset.status = 'error';
  ui.runStatus.textContent = hint ? `${message}\nhint: ${hint}` : message;
}

function downloadCheckpoint(bytes: ArrayBuffer, step: number): void {
  const name = model
    ? `charrnn-${model.cell}-h${model.hidden}-step${step}.safetensors`
    : `charrnn-step${step}.safetensors`;
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  ui.checkpointInfo.textContent = `Saved ${name} (${bytes.byteLength.toLocaleString('en')} bytes). Sample it with: npx charrnn-sample --checkpoint ${name}`;
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'ready': {
      const threads =
        message.threads === 2
          ? 'two threads (the page is cross-origin isolated)'
          : 'one thread (the page is not cross-origin isolated)';
      ui.engine.dataset.engine = `Kernels: ${message.kernels}, ${threads}.`;
      ui.engine.textContent = ui.engine.dataset.engine + (message.notice ? ` ${message.notice}` : '');
      break;
    }
    case 'status':
      if (message.status === 'running') loadedIdle = false;
      showStatus(message.status, message.model);
      if (message.status === 'paused' || message.status === 'finished') requestSample();
      break;
    case 'events':
      for (const trainingEvent of message.events) showEvent(trainingEvent);
      break;
    case 'sample':
      if (message.id === sampleRequest) ui.sampleOutput.textContent = message.prime + message.text;
      break;
    case 'evaluation':
      ui.checkpointInfo.textContent = `Loss on the text: ${message.loss.toFixed(6)} nats/char, ${message.bpc.toFixed(4)} bits/char over ${message.count.toLocaleString('en')} predictions (as charrnn-eval computes it).`;
      ui.checkpointInfo.dataset.loss = String(message.loss);
      break;
    case 'checkpoint':
      if (message.purpose === 'download') downloadCheckpoint(message.bytes, message.step);
      else void persist(message.bytes, message.config, message.step);
      break;
    case 'loaded':
      loadedIdle = true;
      if (message.config) writeSettings(message.config);
      ui.checkpointInfo.textContent = `Loaded ${message.name}: ${message.model.layers}-layer ${message.model.cell.toUpperCase()}, H=${message.model.hidden}, vocabulary ${message.model.vocabSize}. Sample it below, evaluate it, or start training from it.`;
      chart.clear();
      requestSample();
      break;
    case 'text':
    case 'text-refused':
      textBox.decoded(message);
      break;
    case 'error':
      showError(message.message, message.hint);
      break;
  }
};
worker.onerror = (event) => showError(`The training worker failed: ${event.message}`);

// ---- sampling ----

function showTemperature(): void {
  ui.temperatureValue.value = Number(ui.temperature.value).toFixed(2);
}

let sampleTimer: ReturnType<typeof setTimeout> | null = null;
function requestSample(): void {
  if (!model && !loadedIdle) return;
  if (sampleTimer !== null) clearTimeout(sampleTimer);
  sampleTimer = setTimeout(() => {
    sampleTimer = null;
    const length = Math.min(5000, Math.max(1, Math.floor(Number(ui.sampleLength.value) || 300)));
    send({
      type: 'sample',
      id: ++sampleRequest,
      prime: ui.prime.value,
      temperature: Number(ui.temperature.value),
      length,
      seed: sampleRequest,
    });
  }, 100);
}

// ---- persistence ----

function persistWanted(): boolean {
  return ui.persist.checked && typeof indexedDB !== 'undefined';
}

async function persist(bytes: ArrayBuffer, config: PageConfig | null, step: number): Promise<void> {
  lastPersist = performance.now();
  try {
    await saveModel({ checkpoint: bytes, config, text: textBox.text(), step, savedAt: new Date().toISOString() });
  } catch (error) {
    showError(`Could not keep the model in this browser: ${(error as Error).message}`);
  }
}

async function restore(): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  const saved = await loadSavedModel().catch(() => undefined);
  if (!saved) return;
  ui.persist.checked = true;
  textBox.set(saved.text);
  if (saved.config) writeSettings(saved.config);
  send({
    type: 'load',
    bytes: saved.checkpoint,
    name: `kept in this browser, step ${saved.step.toLocaleString('en')}`,
  });
}

// ---- wiring ----

ui.settings.addEventListener('submit', (event) => event.preventDefault());
ui.defaults.addEventListener('click', () => writeSettings(PAGE_DEFAULTS));
ui.useSample.addEventListener('click', () => textBox.set(sampleText));
ui.clearText.addEventListener('click', () => {
  textBox.set('');
  ui.text.focus();
});
ui.textFile.addEventListener('change', () => {
  const file = ui.textFile.files?.[0];
  if (file) void textBox.open(file);
  ui.textFile.value = '';
});
ui.text.addEventListener('dragover', (event) => {
  event.preventDefault();
  ui.text.classList.add('dragover');
});
ui.text.addEventListener('dragleave', () => ui.text.classList.remove('dragover'));
ui.text.addEventListener('drop', (event) => {
  event.preventDefault();
  ui.text.classList.remove('dragover');
  const file = event.dataTransfer?.files[0];
  if (file) void openDroppedFile(file);
});
ui.start.addEventListener('click', () => {
  const config = readSettings();
  if (!config) return;
  const facts = textBox.currentFacts();
  if (facts.chars < 2) {
    showError('Paste some text first (or use the sample text).');
    ui.text.focus();
    return;
  }
  // The commands' limits, refused here with their message before the text is copied to the worker.
  const refusal = textRefusal('the text', facts);
  if (refusal) {
    showError(refusal.message, refusal.hint);
    return;
  }
  chart.clear();
  recentLoss.clear();
  speedWindows.length = 0;
  previousStepChars = 0;
  speed = null;
  ui.trainingSamples.replaceChildren();
  send({ type: 'start', text: textBox.text(), config, fromLoaded: loadedIdle });
});
ui.pause.addEventListener('click', () => send({ type: 'pause' }));
ui.resume.addEventListener('click', () => send({ type: 'resume' }));
ui.reset.addEventListener('click', () => {
  loadedIdle = false;
  chart.clear();
  send({ type: 'reset' });
});
ui.sampleNow.addEventListener('click', requestSample);
ui.prime.addEventListener('input', requestSample);
ui.temperature.addEventListener('input', () => {
  showTemperature();
  requestSample();
});
ui.download.addEventListener('click', () => send({ type: 'checkpoint', purpose: 'download' }));
ui.checkpointFile.addEventListener('change', () => {
  const file = ui.checkpointFile.files?.[0];
  if (file) void loadCheckpointFile(file);
  ui.checkpointFile.value = '';
});
ui.evaluate.addEventListener('click', () => {
  ui.checkpointInfo.textContent = 'Evaluating…';
  delete ui.checkpointInfo.dataset.loss;
  send({ type: 'evaluate', text: textBox.text() });
});
ui.persist.addEventListener('change', () => {
  if (ui.persist.checked) {
    if (model) send({ type: 'checkpoint', purpose: 'persist' });
  } else {
    void forgetSavedModel();
  }
});

writeSettings(PAGE_DEFAULTS);
showStatus('idle', null);
void restore();
