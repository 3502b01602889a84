/**
 * Errors and option validation shared by every public function and the CLI.
 * Every message starts with `[saddlelab]`, names the offending field, what was
 * given and what is accepted.
 *
 * @example
 * ```ts
 * try { requirePositiveInt('widths[0]', -3); } catch (e) { console.log((e as Error).message); }
 * // [saddlelab] widths[0] must be a positive integer; got -3
 * ```
 */
export class SaddlelabError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message.startsWith('[saddlelab]') ? message : `[saddlelab] ${message}`);
    this.name = 'SaddlelabError';
  }
}

/** Short printable form of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  return `a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}`;
}

/** Throws `[saddlelab] <field> must be <accepted>; got <value>`. */
export function fail(field: string, accepted: string, value: unknown): never {
  throw new SaddlelabError(`[saddlelab] ${field} must be ${accepted}; got ${describe(value)}`, field);
}

export function requirePositive(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(field, 'a finite number > 0', value);
  return value;
}

export function requireNonNegative(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(field, 'a finite number >= 0', value);
  return value;
}

export function requirePositiveInt(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(field, 'a positive integer', value);
  return value;
}

export function requireNonNegativeInt(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(field, 'an integer >= 0', value);
  return value;
}

export function requireOneOf<T extends string>(field: string, value: unknown, accepted: readonly T[]): T {
  if (typeof value !== 'string' || !(accepted as readonly string[]).includes(value)) {
    fail(field, `one of ${accepted.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** Rejects keys of `options` that are not in `known`, so a typo is an error and not a silent default. */
export function requireKnownKeys(field: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(`${field}.${key}`, `one of the known options (${known.join(', ')})`, key);
  }
}

export function requireObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'an object', value);
  return value as Record<string, unknown>;
}
