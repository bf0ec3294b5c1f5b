/**
 * `JSON.parse` that also decodes kombu 5.3+ tagged values (spec §1.10): any object whose keys are
 * exactly `__type__` and `__value__`. They become plain JS values, the same ones kombu 5.2 sent:
 *
 * - `datetime`, `date`, `time`: the ISO-8601 string (parse it with `parsePythonDate` if needed)
 * - `decimal`: the decimal string (no float rounding)
 * - `uuid`: the canonical dashed lowercase string
 * - `bytes`: the UTF-8 text
 * - `base64`: a `Buffer` (bytes that were not UTF-8)
 *
 * Unknown `__type__` values are left as the object itself (Python would refuse the message; tq
 * hands the task what it received instead).
 *
 * Tags are replaced by a walk with its own stack, not a `JSON.parse` reviver: the reviver recurses,
 * and a deeply nested body overflowed it before any depth check could say what was wrong.
 *
 * @throws SyntaxError when `text` is not JSON.
 */
export function parseKombuJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  // The walk costs a visit per object: skip it when no tag can be present.
  return text.includes('"__type__"') ? reviveTaggedValues(value) : value;
}

/** Replaces every tagged value inside `root` in place (and `root` itself when it is one). */
function reviveTaggedValues(root: unknown): unknown {
  if (typeof root !== 'object' || root === null) return root;
  const top = revived(root);
  if (top !== root) return top;
  const stack: object[] = [root];
  for (let container = stack.pop(); container; container = stack.pop()) {
    const record = container as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item !== 'object' || item === null) continue;
      const replacement = revived(item);
      // Assigning to '__proto__' would change the prototype: such a key is refused later anyway.
      if (replacement !== item && key !== '__proto__') record[key] = replacement;
      else stack.push(item);
    }
  }
  return root;
}

/** The plain value of a tagged object, or the object itself. */
function revived(value: object): unknown {
  if (Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 2 || !('__type__' in value) || !('__value__' in value)) return value;
  const tagged = value.__value__;
  switch (value.__type__) {
    case 'datetime':
    case 'date':
    case 'time':
    case 'decimal':
    case 'bytes':
      return typeof tagged === 'string' ? tagged : value;
    case 'base64':
      return typeof tagged === 'string' ? Buffer.from(tagged, 'base64') : value;
    case 'uuid':
      return uuidFromTagged(tagged) ?? value;
    default:
      return value;
  }
}

function uuidFromTagged(tagged: unknown): string | undefined {
  const hex = typeof tagged === 'object' && tagged !== null && 'hex' in tagged ? tagged.hex : tagged;
  if (typeof hex !== 'string') return undefined;
  const digits = hex.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(digits)) return undefined;
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
}
