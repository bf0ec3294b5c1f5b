/** Characters Redis' glob patterns give a meaning to. */
const GLOB_SPECIAL = /[*?[\]\\]/g;

/**
 * A Redis glob (PSUBSCRIBE) matching every channel `channelPrefix + routingKey` whose routing key
 * matches the AMQP topic `pattern`, and possibly more: the glob is the literal words before the
 * first wildcard, then `*`, so `worker.#` is `worker*` (it must match `worker` too, where kombu's
 * `worker.*` does not) and `#` is `*`. Receivers filter with `topicMatches` for the exact rules.
 */
export function topicGlob(channelPrefix: string, pattern: string): string {
  const words = pattern.split('.');
  const wildcard = words.findIndex((word) => word === '*' || word === '#');
  const literal = escapeGlob(channelPrefix + (wildcard < 0 ? pattern : words.slice(0, wildcard).join('.')));
  return wildcard < 0 ? literal : `${literal}*`;
}

function escapeGlob(text: string): string {
  return text.replace(GLOB_SPECIAL, '\\$&');
}
