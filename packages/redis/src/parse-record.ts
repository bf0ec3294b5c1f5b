import { parseKombuJson, type ResultMeta } from '@tq/core';

/** A result record published on a channel, or undefined when it is not one (someone else publishing there). */
export function parseRecord(json: string): ResultMeta | undefined {
  try {
    return parseKombuJson(json) as ResultMeta;
  } catch {
    return undefined;
  }
}
