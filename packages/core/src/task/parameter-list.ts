import { InvalidArgumentsError } from '../errors/invalid-arguments-error.js';

/**
 * What a task function declares: its parameter names (null for destructured ones), how many are
 * required, and whether it takes a rest parameter. Read from the function's source text, because
 * JavaScript keeps nothing else: `fn.length` alone cannot tell "too many arguments".
 */
export class ParameterList {
  private constructor(
    readonly names: readonly (string | null)[],
    readonly required: number,
    readonly variadic: boolean,
  ) {}

  static of(fn: (...args: never[]) => unknown): ParameterList {
    const source = blankLiterals(fn.toString());
    // Bound and native functions show no parameters: accept any arguments rather than none.
    if (NATIVE_BODY.test(source)) return new ParameterList([], fn.length, true);
    const params = splitTopLevel(parameterSource(source));
    const variadic = params.some((p) => p.startsWith('...'));
    const names = params.map((p) => {
      const name = (p.split('=')[0] ?? '').trim();
      return /^[A-Za-z_$][\w$]*$/.test(name) ? name : null;
    });
    return new ParameterList(names, fn.length, variadic);
  }

  /**
   * The positional arguments for a call with `args` and (Celery) `kwargs`: kwargs are placed by
   * parameter name, so a Python caller's `add.apply_async((2,), {'y': 5})` runs `add(2, 5)`.
   */
  bind(taskName: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): readonly unknown[] {
    // The usual call (positional only, a fitting count) allocates nothing: this runs for every task.
    if (isEmpty(kwargs) && args.length >= this.required && (this.variadic || args.length <= this.names.length)) return args;
    const bound = [...args];
    const filled = new Set(args.keys());
    for (const [key, value] of Object.entries(kwargs)) {
      const index = this.names.indexOf(key);
      if (index < 0) {
        throw new InvalidArgumentsError(
          `Task '${taskName}' has no parameter named '${key}' (it declares ${this.describe()}). Pass it positionally or rename the keyword.`,
        );
      }
      if (index < args.length) {
        throw new InvalidArgumentsError(`Task '${taskName}' got '${key}' both positionally and as a keyword.`);
      }
      bound[index] = value;
      filled.add(index);
    }
    const missing = Array.from({ length: this.required }, (_, i) => i).filter((i) => !filled.has(i));
    if (missing.length > 0) {
      throw new InvalidArgumentsError(
        `Task '${taskName}' takes at least ${this.required} argument(s) ${this.describe()}, got ${bound.length}. Check the call site's arguments.`,
      );
    }
    if (!this.variadic && bound.length > this.names.length) {
      throw new InvalidArgumentsError(
        `Task '${taskName}' takes at most ${this.names.length} argument(s) ${this.describe()}, got ${bound.length}. Check the call site's arguments.`,
      );
    }
    return bound;
  }

  private describe(): string {
    return `(${this.names.map((n, i) => n ?? `arg${i}`).join(', ')}${this.variadic ? ', ...' : ''})`;
  }
}

/** What `toString()` shows for bound and native functions instead of their source. */
const NATIVE_BODY = /\{\s*\[native code\]\s*\}\s*$/;

/**
 * `source` without comments and with every string literal emptied (`', '` becomes `''`), so commas
 * and brackets inside them do not split or close the parameter list.
 */
function blankLiterals(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    const next = source[i + 1];
    if (ch === '/' && (next === '*' || next === '/')) {
      const end = source.indexOf(next === '*' ? '*/' : '\n', i + 2);
      i = end < 0 ? source.length : next === '*' ? end + 1 : end - 1;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== ch) j += source[j] === '\\' ? 2 : 1;
      out += ch + ch;
      i = j;
    } else out += ch;
  }
  return out;
}

/** The text between a function's parameter parentheses (or the lone arrow parameter). */
function parameterSource(source: string): string {
  const arrow = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrow) return arrow[1] ?? '';
  const open = source.indexOf('(');
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (depth === 0) return source.slice(open + 1, i);
  }
  return '';
}

/** Split on commas that are not nested inside brackets, dropping empties. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts.filter((p) => p.length > 0);
}

function isEmpty(record: Readonly<Record<string, unknown>>): boolean {
  for (const _ in record) return false;
  return true;
}
