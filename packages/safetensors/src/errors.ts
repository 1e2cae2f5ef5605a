// The error a decoder throws for a malformed or hostile file, distinct from TypeError/RangeError
// (which mean the caller passed bad arguments), so apps can report "bad file" separately.

export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}
