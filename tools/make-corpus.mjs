#!/usr/bin/env node
// Writes a large deterministic text corpus for memory and speed measurements by hand (never in
// npm test): random words from a fixed vocabulary of 2,000 made-up words (letters, some
// accented), in sentences and lines, from a seeded xorshift generator, so the same size and seed
// give the same file. Usage: node tools/make-corpus.mjs OUT.txt [megabytes=1024] [seed=1]

import { openSync, writeSync, closeSync } from 'node:fs';

const [out, megabytes = '1024', seedText = '1'] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: node tools/make-corpus.mjs OUT.txt [megabytes=1024] [seed=1]\n');
  process.exit(2);
}
const target = Math.round(Number(megabytes) * 1024 * 1024);

let state = Number(seedText) >>> 0 || 1;
function next() {
  // xorshift32: fast, deterministic, enough for word choice.
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
}

const letters = 'abcdefghijklmnopqrstuvwxyzéèàöüß';
const words = Array.from({ length: 2000 }, () => {
  const length = 1 + (next() % 9);
  let word = '';
  for (let i = 0; i < length; i++) word += letters[next() % (i === 0 ? 26 : letters.length)];
  return word;
});

const fd = openSync(out, 'w');
const encoder = new TextEncoder();
let written = 0;
while (written < target) {
  let block = '';
  while (block.length < 1 << 20) {
    const sentence = 3 + (next() % 12);
    for (let i = 0; i < sentence; i++) {
      const word = words[Math.min(next() % 2000, next() % 2000)]; // a Zipf-like skew: small indices are common
      block += i === 0 ? word[0].toUpperCase() + word.slice(1) : ` ${word}`;
    }
    block += next() % 5 === 0 ? '.\n' : '. ';
  }
  const bytes = encoder.encode(block);
  // The last block is cut at the target, on a character boundary (never inside é's two bytes).
  let end = bytes.length;
  if (written + end >= target) {
    end = target - written;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  }
  writeSync(fd, bytes, 0, end);
  written += end;
  if (end < bytes.length) break;
}
closeSync(fd);
process.stdout.write(`${out}: ${written} bytes\n`);
