/** A jsonb column as read back: drivers hand it over parsed, but a value stored as a JSON string is parsed here. */
export function fromJsonb<T>(value: T | string): T {
  return typeof value === 'string' ? JSON.parse(value) as T : value;
}
