// Objects keyed by names a client chose (map members, DynamoDB attribute names, metadata keys).
// Assigning `obj['__proto__'] = v` on an ordinary object sets its prototype instead of storing a
// key: the entry silently vanishes (data loss) and the object changes type. Every such write goes
// through setOwn.

/** Stores `value` under `key` as an own, enumerable property, whatever the key is. */
export function setOwn<T>(map: Record<string, T>, key: string, value: NoInfer<T>): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}
