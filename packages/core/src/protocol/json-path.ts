/** Path segments shown before the rest of a long path is elided. */
const SHOWN_SEGMENTS = 8;
/** Longest key shown whole. */
const SHOWN_KEY_LENGTH = 40;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A JavaScript-style path for error messages: `args[1].when.at`, `kwargs["user id"]`. Keys that are
 * not identifiers are quoted, long keys cut, and a path deeper than a few levels elided in the middle.
 */
export function jsonPath(root: string, keys: readonly (string | number)[]): string {
  const parts = keys.map((key) => {
    if (typeof key === 'number') return `[${key}]`;
    if (IDENTIFIER.test(key) && key.length <= SHOWN_KEY_LENGTH) return `.${key}`;
    const shown = key.length > SHOWN_KEY_LENGTH ? `${key.slice(0, SHOWN_KEY_LENGTH)}…` : key;
    return `[${JSON.stringify(shown)}]`;
  });
  if (parts.length <= SHOWN_SEGMENTS) return root + parts.join('');
  const head = parts.slice(0, SHOWN_SEGMENTS / 2).join('');
  return `${root}${head}…(${parts.length - SHOWN_SEGMENTS} more)…${parts.slice(-SHOWN_SEGMENTS / 2).join('')}`;
}
