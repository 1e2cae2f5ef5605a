// The page's text: the box the user types or pastes into, a long text held outside it, and text
// files read and handed to the worker to decode. Keeps the facts (characters, distinct, bytes) of
// the current text and shows them — or the commands' refusal — under the box.

import type { ToWorker } from './protocol.js';
import { inspectText, sizeRefusal, textRefusal, type TextFacts } from './text-check.js';

/** Typing in a long text rescans it once the typing pauses, not on every key. */
const DESCRIBE_TEXT_MS = 250;
/**
 * Longer texts (UTF-16 units) stay out of the text box: a box holding megabytes took seconds to
 * fill and seconds per keystroke (16 MB: 30 s, then 8 s per key). It shows their start, read-only.
 */
export const TEXT_BOX_MAX = 1_200_000;
export const PREVIEW_CHARS = 20_000;

type DecodeRequest = Extract<ToWorker, { type: 'decode' }>;

export class TextBox {
  /** The facts of the current text (null: it changed since they were taken). */
  private facts: TextFacts | null = null;
  private describeTimer: ReturnType<typeof setTimeout> | null = null;
  /** The latest text file sent to be decoded; answers to older ones are dropped. */
  private request = 0;
  /** A text too long for the box, held here while the box shows its start (null: the box holds the text). */
  private held: string | null = null;

  constructor(
    private readonly box: HTMLTextAreaElement,
    private readonly info: HTMLElement,
    private readonly decode: (request: DecodeRequest) => void,
  ) {
    box.addEventListener('input', () => this.changed());
    box.addEventListener('paste', (event) => this.paste(event));
  }

  /** The text to train on, evaluate and keep: the held one, or the box's. */
  text(): string {
    return this.held ?? this.box.value;
  }

  /** Replaces the text (facts given when already known); a pending file read is dropped. */
  set(text: string, facts?: TextFacts): void {
    this.request++;
    this.show(text, facts ?? inspectText(text));
  }

  /** The current text's facts, scanning it now if it changed (one pass, no array of characters). */
  currentFacts(): TextFacts {
    if (this.describeTimer !== null) clearTimeout(this.describeTimer);
    this.describeTimer = null;
    if (this.facts === null) this.describe(inspectText(this.text()));
    return this.facts!;
  }

  /**
   * A text file: refused by its size before a byte is read, otherwise read and sent to the worker,
   * which decodes it strictly (no U+FFFD for bad bytes) and checks it off this thread.
   */
  async open(file: File): Promise<void> {
    const id = ++this.request;
    const tooLarge = sizeRefusal(`the file ${JSON.stringify(file.name)}`, file.size);
    if (tooLarge) {
      this.problem(tooLarge.message, tooLarge.hint);
      return;
    }
    delete this.info.dataset.status;
    this.info.textContent = `Reading ${file.name}…`;
    const bytes = await file.arrayBuffer();
    if (id === this.request) this.decode({ type: 'decode', id, bytes, name: file.name });
  }

  /** The worker's answer to open(): the decoded text, or its refusal. */
  decoded(
    answer: { id: number; text: string; facts: TextFacts } | { id: number; message: string; hint: string },
  ): void {
    if (answer.id !== this.request) return;
    if ('text' in answer) this.show(answer.text, answer.facts);
    else this.problem(answer.message, answer.hint);
  }

  private show(text: string, facts: TextFacts): void {
    this.held = text.length > TEXT_BOX_MAX ? text : null;
    this.box.readOnly = this.held !== null;
    this.box.value = this.held === null ? text : text.slice(0, PREVIEW_CHARS);
    this.describe(facts);
  }

  private changed(): void {
    this.facts = null;
    if (this.describeTimer !== null) clearTimeout(this.describeTimer);
    this.describeTimer = setTimeout(() => this.currentFacts(), DESCRIBE_TEXT_MS);
  }

  /** A paste that would make the box too long is held (or refused) like a long file. */
  private paste(event: ClipboardEvent): void {
    const pasted = event.clipboardData?.getData('text/plain') ?? '';
    const { value, selectionStart, selectionEnd } = this.box;
    if (value.length - (selectionEnd - selectionStart) + pasted.length <= TEXT_BOX_MAX) return;
    event.preventDefault();
    this.request++;
    const text = value.slice(0, selectionStart) + pasted + value.slice(selectionEnd);
    const facts = inspectText(text);
    const tooLarge = sizeRefusal('the pasted text', facts.utf8Bytes);
    if (tooLarge) this.problem(tooLarge.message, tooLarge.hint);
    else this.show(text, facts);
  }

  private describe(facts: TextFacts): void {
    this.facts = facts;
    const refusal = textRefusal('the text', facts);
    if (refusal) {
      this.problem(refusal.message, refusal.hint);
      return;
    }
    delete this.info.dataset.status;
    const held =
      this.held === null
        ? ''
        : ` (the box shows the first ${PREVIEW_CHARS.toLocaleString('en')}; all of it is trained on; Clear to type)`;
    this.info.textContent =
      facts.chars === 0 ? '' : `${facts.chars.toLocaleString('en')} characters, ${facts.distinct} distinct${held}`;
  }

  private problem(message: string, hint: string): void {
    this.info.dataset.status = 'error';
    this.info.textContent = `${message}\nhint: ${hint}`;
  }
}
