// Keeping the model across reloads, when asked: the last checkpoint, the text and the settings in
// IndexedDB (this browser only; nothing leaves the page).

import type { PageConfig } from './protocol.js';

const DB_NAME = 'charrnn-web';
const STORE = 'saved';
const KEY = 'last';

export interface SavedModel {
  readonly checkpoint: ArrayBuffer;
  readonly config: PageConfig | null;
  readonly text: string;
  readonly step: number;
  readonly savedAt: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB cannot be opened'));
  });
}

async function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = work(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
    });
  } finally {
    db.close();
  }
}

export function saveModel(saved: SavedModel): Promise<void> {
  return transact('readwrite', (store) => store.put(saved, KEY));
}

export function loadSavedModel(): Promise<SavedModel | undefined> {
  return transact('readonly', (store) => store.get(KEY));
}

export function forgetSavedModel(): Promise<void> {
  return transact('readwrite', (store) => store.delete(KEY));
}
