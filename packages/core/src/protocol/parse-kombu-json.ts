import { reviveWireValues } from './revive-wire-values.js';

/**
 * `JSON.parse` that also decodes kombu 5.3+ tagged values (spec §1.10): a `datetime` becomes a
 * `Date`, `bytes`/`base64` a `Buffer`, `date`/`time`/`decimal`/`uuid` a string (see
 * `reviveWireValues`). For result records and anything else kombu's JSON serializer wrote.
 *
 * @param what names the value in an error's path. Default `value`.
 * @throws SyntaxError when `text` is not JSON.
 * @throws MessageDecodeError naming the path of a malformed tagged value.
 */
export function parseKombuJson(text: string, what = 'value'): unknown {
  const value: unknown = JSON.parse(text);
  // The walk costs a visit per object: skip it when no tag can be present.
  return text.includes('"__type__"') ? reviveWireValues(value, what) : value;
}
