/**
 * Reading a connector kind's JSON config: every accessor checks one key and, when it is
 * wrong, throws ConnectorError('CONFIG') naming the source and the key's full path
 * ("source szu: config key "calendar.fromColumn" must be a non-empty string"), so an owner
 * can fix a config without reading code.
 */
import { ConnectorError } from './contract.ts';

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export interface NumberRule { min?: number; max?: number; integer?: boolean }

export class ConfigReader {
  private constructor(readonly sourceId: string, private readonly json: Record<string, unknown>, readonly path: string) {}

  /** The whole config of a source; it must be a JSON object. */
  static of(sourceId: string, json: unknown): ConfigReader {
    if (!isObject(json)) throw new ConnectorError(`source ${sourceId}: config must be a JSON object, found ${describeJson(json)}`, 'CONFIG');
    return new ConfigReader(sourceId, json, '');
  }

  keyPath(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, problem: string): never {
    throw new ConnectorError(`source ${this.sourceId}: config key "${this.keyPath(key)}" ${problem}`, 'CONFIG');
  }

  keys(): string[] {
    return Object.keys(this.json);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.json, key) && this.json[key] !== undefined;
  }

  /** Reject keys the kind does not know: a misspelt optional key must not be silently ignored. */
  allowOnly(known: readonly string[]): void {
    for (const key of this.keys()) {
      if (!known.includes(key)) {
        throw new ConnectorError(`source ${this.sourceId}: unknown config key "${this.keyPath(key)}" (expected ${known.join(', ')})`, 'CONFIG');
      }
    }
  }

  private required(key: string): unknown {
    if (!this.has(key)) this.fail(key, 'is missing');
    return this.json[key];
  }

  string(key: string): string {
    const value = this.required(key);
    if (typeof value !== 'string' || value.trim() === '') this.fail(key, `must be a non-empty string, found ${describeJson(value)}`);
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  number(key: string, rule: NumberRule = {}): number {
    const value = this.required(key);
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(key, `must be a number, found ${describeJson(value)}`);
    if (rule.integer && !Number.isInteger(value)) this.fail(key, `must be a whole number, found ${value}`);
    if (rule.min !== undefined && value < rule.min) this.fail(key, `must be at least ${rule.min}, found ${value}`);
    if (rule.max !== undefined && value > rule.max) this.fail(key, `must be at most ${rule.max}, found ${value}`);
    return value;
  }

  optionalNumber(key: string, rule: NumberRule = {}): number | undefined {
    return this.has(key) ? this.number(key, rule) : undefined;
  }

  oneOf<K extends string>(key: string, allowed: readonly K[]): K {
    const value = this.required(key);
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(key, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, found ${describeJson(value)}`);
    }
    return value as K;
  }

  object(key: string): ConfigReader {
    const value = this.required(key);
    if (!isObject(value)) this.fail(key, `must be an object, found ${describeJson(value)}`);
    return new ConfigReader(this.sourceId, value, this.keyPath(key));
  }

  optionalObject(key: string): ConfigReader | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  /** An object whose every value is a non-empty string, e.g. a field mapping or HTTP headers. */
  stringMap(key: string): Record<string, string> {
    const reader = this.object(key);
    return Object.fromEntries(reader.keys().map((k) => [k, reader.string(k)]));
  }

  optionalStringMap(key: string): Record<string, string> | undefined {
    return this.has(key) ? this.stringMap(key) : undefined;
  }

  /** A non-empty array of non-empty strings. */
  stringList(key: string): string[] {
    const value = this.required(key);
    if (!Array.isArray(value) || value.length === 0) this.fail(key, `must be a non-empty array of strings, found ${describeJson(value)}`);
    value.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') this.fail(`${key}.${i}`, `must be a non-empty string, found ${describeJson(item)}`);
    });
    return value as string[];
  }

  optionalStringList(key: string): string[] | undefined {
    return this.has(key) ? this.stringList(key) : undefined;
  }
}
