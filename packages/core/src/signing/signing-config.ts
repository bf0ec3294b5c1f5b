import type { KeyObject } from 'node:crypto';

/**
 * A signing key. Its type picks the algorithm, so a message cannot choose it:
 * - a string or bytes: an HMAC-SHA256 secret shared by every publisher and worker (at least 32
 *   bytes, e.g. `randomBytes(32).toString('base64')`);
 * - an Ed25519 `KeyObject`, or its PEM text: a private key signs (and verifies), a public key only
 *   verifies.
 */
export type SigningKey = string | Uint8Array | KeyObject;

/**
 * Message signing (`AppConfig.signing`); off when absent. Every message this app publishes is
 * signed with `sign` (a `tq_signature` header over the body and the headers that decide what runs,
 * see ADR 20); its workers run only messages that verify with a key of `verify`, and dead-letter the
 * rest with the reason. Workers publish too (retries, chain steps, callbacks, chord bodies), so
 * `sign` is required: a worker signs what it sends with its own key.
 */
export interface SigningConfig {
  /** The key this app signs with, and its id (sent in the header, so verifiers pick the key). Required. */
  sign: { keyId: string; key: SigningKey };
  /**
   * Keys a worker accepts, by id: list the current key and the ones still in flight while keys
   * rotate. Default: the `sign` key alone; the `sign` key is always accepted (the worker's own
   * retries carry it).
   */
  verify?: Readonly<Record<string, SigningKey>>;
  /**
   * Refuse unsigned messages. Default true: once signing is configured an unsigned message is as
   * untrusted as a forged one. `false` while a fleet moves to signing (unsigned messages run;
   * signed ones must still verify).
   */
  require?: boolean;
}
