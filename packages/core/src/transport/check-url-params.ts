import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * For transports: refuse query parameters a URL's transport does not know, so a typo
 * (`?visibiltyTimeoutMs=5000`) fails at start instead of being silently ignored. The error lists
 * the known parameters and suggests the closest one.
 *
 * @throws ConfigurationError e.g. "redis:// URL has an unknown parameter 'visibiltyTimeoutMs' (did you mean 'visibilityTimeoutMs'?). Known: ..."
 */
export function checkUrlParams(url: URL, known: readonly string[]): void {
  for (const key of new Set(url.searchParams.keys())) {
    if (known.includes(key)) continue;
    const closest = closestOf(key, known);
    const hint = closest ? ` (did you mean '${closest}'?)` : '';
    const list = known.length > 0 ? `Known: ${known.join(', ')}.` : 'It takes none.';
    throw new ConfigurationError(`${url.protocol}// URL has an unknown parameter '${key}'${hint}. ${list}`);
  }
}

/** The known name within a few edits of `key` (case-insensitive), if any. */
function closestOf(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = row;
  }
  return previous[b.length] as number;
}
