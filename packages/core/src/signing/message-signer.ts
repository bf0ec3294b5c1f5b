import { createHmac, sign as ed25519Sign, verify as ed25519Verify, timingSafeEqual } from 'node:crypto';
import { ConfigurationError } from '../errors/configuration-error.js';
import { SIGNATURE_HEADER } from '../protocol/signature-header.js';
import type { TaskMessage } from '../spec/task-message.js';
import { signedContent } from './signed-content.js';
import type { SigningConfig } from './signing-config.js';
import { type ResolvedKey, resolveSigningKey } from './signing-key.js';

/**
 * Signs messages on publish and says why a received one must not run: `AppConfig.signing` made
 * usable. The runtime broker owns one (it signs everything that is sent, retries included); the
 * worker asks it about every delivery before anything else happens to it.
 */
export class MessageSigner {
  /** See `SigningConfig.require`. */
  readonly require: boolean;
  private readonly keyId: string;
  private readonly key: ResolvedKey;
  private readonly accepted = new Map<string, ResolvedKey>();

  /** @throws ConfigurationError naming the setting that is missing or wrong. */
  constructor(config: SigningConfig) {
    const { sign, verify = {}, require = true } = config ?? {};
    if (!sign || typeof sign.keyId !== 'string' || sign.keyId === '' || sign.key === undefined) {
      throw new ConfigurationError(
        "signing needs sign: { keyId, key }: workers re-send retries, chain steps and callbacks, and sign them with it. E.g. signing: { sign: { keyId: 'k1', key: process.env.TQ_SIGNING_KEY } }.",
      );
    }
    this.require = require;
    this.keyId = sign.keyId;
    this.key = resolveSigningKey(sign.key, sign.keyId, 'sign');
    for (const [id, key] of Object.entries(verify)) this.accepted.set(id, resolveSigningKey(key, id, 'verify'));
    if (!this.accepted.has(this.keyId)) this.accepted.set(this.keyId, this.key);
    this.checkOwnKey();
  }

  /** Sets the signature header on `message` (replacing one it carries from an earlier trip). */
  sign(message: TaskMessage): void {
    const content = signedContent(message, this.keyId);
    const signature = this.key.kind === 'hmac' ? hmac(this.key.secret, content) : ed25519Sign(null, content, this.key.key);
    message.headers[SIGNATURE_HEADER] = `${this.keyId}:${signature.toString('base64')}`;
  }

  /**
   * Why `message` must not run, in words for the dead-letter record; `undefined` when its
   * signature verifies (or it is unsigned and signing is not required).
   */
  refusal(message: TaskMessage): string | undefined {
    const header = message.headers[SIGNATURE_HEADER];
    if (header === undefined || header === null) {
      return this.require ? 'unsigned message; this worker requires signed messages (signing.require)' : undefined;
    }
    const at = typeof header === 'string' ? header.lastIndexOf(':') : -1;
    if (typeof header !== 'string' || at <= 0) {
      return `malformed ${SIGNATURE_HEADER} header: expected '<key id>:<base64 signature>'`;
    }
    const keyId = header.slice(0, at);
    const key = this.accepted.get(keyId);
    if (!key) {
      const known = [...this.accepted.keys()].join(', ');
      return `signed with key ${JSON.stringify(keyId.slice(0, 64))}, which this worker does not accept (signing.verify has ${known})`;
    }
    const signature = Buffer.from(header.slice(at + 1), 'base64');
    return verifies(key, signedContent(message, keyId), signature) ? undefined : `signature does not verify with key ${keyId}`;
  }

  /** A verify key listed under the sign key's id must match it, or this worker would refuse its own retries. */
  private checkOwnKey(): void {
    const probe: TaskMessage = {
      headers: { task: 'tq.signing.probe', id: 'probe' } as TaskMessage['headers'],
      properties: { correlation_id: 'probe', reply_to: '', delivery_mode: 2, priority: 0 },
      body: [[], {}, { callbacks: null, errbacks: null, chain: null, chord: null }],
      contentType: 'application/json',
      contentEncoding: 'utf-8',
    };
    this.sign(probe);
    if (this.refusal(probe) !== undefined) {
      throw new ConfigurationError(
        `signing.verify['${this.keyId}'] does not match signing.sign.key: this worker would refuse its own retries. List the key's verifying half under its id, or leave the id out of verify.`,
      );
    }
  }
}

function hmac(secret: Buffer, content: Buffer): Buffer {
  return createHmac('sha256', secret).update(content).digest();
}

function verifies(key: ResolvedKey, content: Buffer, signature: Buffer): boolean {
  if (key.kind === 'hmac') {
    const expected = hmac(key.secret, content);
    return signature.byteLength === expected.byteLength && timingSafeEqual(signature, expected);
  }
  try {
    return ed25519Verify(null, content, key.key, signature);
  } catch {
    return false;
  }
}
