import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { SigningKey } from './signing-config.js';

/** A key ready for use: an HMAC secret, or an Ed25519 key (private to sign, public to verify). */
export type ResolvedKey = { kind: 'hmac'; secret: Buffer } | { kind: 'ed25519'; key: KeyObject };

/** Shortest HMAC secret accepted: SHA-256's output size, as RFC 2104 recommends. */
const MIN_SECRET_BYTES = 32;

/**
 * Reads a configured {@link SigningKey} for signing (`use: 'sign'`: an HMAC secret or an Ed25519
 * private key) or verifying (an HMAC secret or any Ed25519 key, reduced to its public half).
 *
 * @throws ConfigurationError naming the key id and what is wrong with the key.
 */
export function resolveSigningKey(key: SigningKey, keyId: string, use: 'sign' | 'verify'): ResolvedKey {
  const where = use === 'sign' ? 'signing.sign.key' : `signing.verify['${keyId}']`;
  if (typeof key === 'string' && key.trimStart().startsWith('-----BEGIN')) {
    try {
      return ed25519(use === 'sign' ? createPrivateKey(key) : createPublicKey(key), where, use);
    } catch (cause) {
      if (cause instanceof ConfigurationError) throw cause;
      throw new ConfigurationError(
        `${where} is PEM text that is not a valid ${use === 'sign' ? 'private' : ''} key: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }
  if (typeof key === 'string' || key instanceof Uint8Array) return hmac(Buffer.from(key), where);
  if (key instanceof KeyObject) {
    if (key.type === 'secret') return hmac(key.export(), where);
    return ed25519(use === 'verify' && key.type === 'private' ? createPublicKey(key) : key, where, use);
  }
  throw new ConfigurationError(`${where} must be an HMAC secret (string or bytes) or an Ed25519 KeyObject or PEM; got ${typeof key}.`);
}

function hmac(secret: Buffer, where: string): ResolvedKey {
  if (secret.byteLength < MIN_SECRET_BYTES) {
    throw new ConfigurationError(
      `${where} is an HMAC secret of ${secret.byteLength} bytes; use at least ${MIN_SECRET_BYTES} random bytes, e.g. randomBytes(32).toString('base64').`,
    );
  }
  return { kind: 'hmac', secret };
}

function ed25519(key: KeyObject, where: string, use: 'sign' | 'verify'): ResolvedKey {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigurationError(`${where} is a ${key.asymmetricKeyType} key; tq signs with Ed25519 keys or HMAC secrets only.`);
  }
  if (use === 'sign' && key.type !== 'private') {
    throw new ConfigurationError(`${where} is an Ed25519 public key; signing needs the private key (public keys go in signing.verify).`);
  }
  return { kind: 'ed25519', key };
}
