import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  createTaskMessage,
  fromEnvelope,
  GZIP_COMPRESSION,
  SIGNATURE_HEADER,
  type SigningConfig,
  type TaskMessage,
  toEnvelope,
} from '../../src/index.js';
import { MessageSigner } from '../../src/signing/message-signer.js';

const SECRET = randomBytes(32);
const OTHER_SECRET = randomBytes(32);

function message(overrides: { args?: unknown[]; headers?: Record<string, unknown> } = {}): TaskMessage {
  return createTaskMessage({ task: 'add', id: randomUUID(), args: overrides.args ?? [2, 3], kwargs: { y: 5 }, headers: overrides.headers });
}

/** The parts of a kombu envelope the tests change. */
interface Envelope {
  body: string;
  headers: Record<string, unknown>;
}

/** What a worker receives for `sent`, after `tamper` changed the envelope on the way. */
function received(sent: TaskMessage, tamper: (envelope: Envelope) => void = () => {}): TaskMessage {
  const envelope = JSON.parse(toEnvelope(sent, { queue: 'q' }));
  tamper(envelope);
  return fromEnvelope(JSON.stringify(envelope));
}

const hmacSigner = (config: Partial<SigningConfig> = {}) => new MessageSigner({ sign: { keyId: 'k1', key: SECRET }, ...config });

describe('HMAC-SHA256 signatures', () => {
  it('a signed message verifies after the trip, and carries `<key id>:<base64>`', () => {
    const signer = hmacSigner();
    const sent = message();
    signer.sign(sent);
    expect(sent.headers[SIGNATURE_HEADER]).toMatch(/^k1:[A-Za-z0-9+/]{43}=$/);
    expect(signer.refusal(received(sent))).toBeUndefined();
  });

  it('a compressed body verifies over its compressed bytes', () => {
    const signer = hmacSigner();
    const sent = message({ headers: { compression: GZIP_COMPRESSION } });
    signer.sign(sent);
    expect(signer.refusal(received(sent))).toBeUndefined();
  });

  const tampered: [string, (envelope: Envelope) => void][] = [
    [
      'the args',
      (e) =>
        (e.body = Buffer.from('[[2, 4], {"y": 5}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]').toString(
          'base64',
        )),
    ],
    ['the task name', (e) => (e.headers.task = 'delete_everything')],
    ['the task id', (e) => (e.headers.id = randomUUID())],
    ['the eta', (e) => (e.headers.eta = '2030-01-01T00:00:00+00:00')],
    ['the retries', (e) => (e.headers.retries = 3)],
    ['the time limits', (e) => (e.headers.timelimit = [1, null])],
    ['the group', (e) => (e.headers.group = randomUUID())],
    ['the key id (another accepted key)', (e) => (e.headers[SIGNATURE_HEADER] = String(e.headers[SIGNATURE_HEADER]).replace('k1:', 'k2:'))],
  ];
  for (const [what, tamper] of tampered) {
    it(`changing ${what} on the way breaks the signature`, () => {
      const signer = hmacSigner({ verify: { k2: OTHER_SECRET } });
      const sent = message();
      signer.sign(sent);
      expect(signer.refusal(received(sent, tamper))).toMatch(/^signature does not verify with key k[12]$/);
    });
  }

  it('display-only headers are not signed: a changed argsrepr or a transport header still verifies', () => {
    const signer = hmacSigner();
    const sent = message();
    signer.sign(sent);
    expect(
      signer.refusal(
        received(sent, (e) => {
          e.headers.argsrepr = '(hidden)';
          e.headers.redelivered = true;
        }),
      ),
    ).toBeUndefined();
  });

  it('a signature made with another secret under the same key id does not verify', () => {
    const forger = new MessageSigner({ sign: { keyId: 'k1', key: OTHER_SECRET } });
    const sent = message();
    forger.sign(sent);
    expect(hmacSigner().refusal(received(sent))).toBe('signature does not verify with key k1');
  });

  it('key rotation: messages signed with any key of `verify` are accepted; an unknown key id is named', () => {
    const worker = new MessageSigner({ sign: { keyId: 'k2', key: OTHER_SECRET }, verify: { k1: SECRET } });
    const old = message();
    hmacSigner().sign(old);
    expect(worker.refusal(received(old))).toBeUndefined();
    const current = message();
    worker.sign(current);
    // The sign key is accepted without being listed in verify: the worker's own retries carry it.
    expect(worker.refusal(received(current))).toBeUndefined();
    const stranger = message();
    new MessageSigner({ sign: { keyId: 'k9', key: SECRET } }).sign(stranger);
    expect(worker.refusal(received(stranger))).toBe('signed with key "k9", which this worker does not accept (signing.verify has k1, k2)');
  });

  it('re-signing replaces the signature of an earlier trip', () => {
    const signer = hmacSigner();
    const sent = message();
    signer.sign(sent);
    const again = structuredClone(received(sent));
    again.headers.retries = 1;
    expect(signer.refusal(again)).toBe('signature does not verify with key k1');
    signer.sign(again);
    expect(signer.refusal(received(again))).toBeUndefined();
  });
});

describe('unsigned and malformed', () => {
  it('unsigned messages are refused by default, with the setting to name', () => {
    expect(hmacSigner().refusal(received(message()))).toBe('unsigned message; this worker requires signed messages (signing.require)');
  });

  it('require: false runs unsigned messages, but signed ones must still verify', () => {
    const lenient = hmacSigner({ require: false });
    expect(lenient.refusal(received(message()))).toBeUndefined();
    const forged = message();
    new MessageSigner({ sign: { keyId: 'k1', key: OTHER_SECRET } }).sign(forged);
    expect(lenient.refusal(received(forged))).toBe('signature does not verify with key k1');
  });

  it('a header that is not `<key id>:<signature>` is refused as malformed', () => {
    for (const header of ['no-colon', ':AAAA', 42]) {
      const sent = message({ headers: { [SIGNATURE_HEADER]: header } });
      expect(hmacSigner().refusal(received(sent))).toBe(`malformed ${SIGNATURE_HEADER} header: expected '<key id>:<base64 signature>'`);
    }
  });

  it('a garbage signature under a known key does not verify (and does not throw)', () => {
    const sent = message({ headers: { [SIGNATURE_HEADER]: 'k1:bm90IGEgc2lnbmF0dXJl' } });
    expect(hmacSigner().refusal(received(sent))).toBe('signature does not verify with key k1');
  });
});

describe('Ed25519 signatures', () => {
  const publisher = generateKeyPairSync('ed25519');
  const worker = generateKeyPairSync('ed25519');

  it('signed with a private key, verified with only the public half (KeyObject or PEM)', () => {
    const sender = new MessageSigner({ sign: { keyId: 'p1', key: publisher.privateKey } });
    const sent = message();
    sender.sign(sent);
    expect(sent.headers[SIGNATURE_HEADER]).toMatch(/^p1:[A-Za-z0-9+/]{86}==$/);
    for (const key of [publisher.publicKey, publisher.publicKey.export({ type: 'spki', format: 'pem' }).toString()]) {
      const verifier = new MessageSigner({ sign: { keyId: 'w1', key: worker.privateKey }, verify: { p1: key } });
      expect(verifier.refusal(received(sent))).toBeUndefined();
      expect(verifier.refusal(received(sent, (e) => (e.headers.task = 'other')))).toBe('signature does not verify with key p1');
    }
  });

  it('a PEM private key signs', () => {
    const pem = publisher.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const sender = new MessageSigner({ sign: { keyId: 'p1', key: pem } });
    const sent = message();
    sender.sign(sent);
    expect(
      new MessageSigner({ sign: { keyId: 'w1', key: worker.privateKey }, verify: { p1: publisher.publicKey } }).refusal(received(sent)),
    ).toBeUndefined();
  });

  it('an HMAC key id cannot be answered with an Ed25519 signature: the verifier’s key picks the algorithm', () => {
    const sent = message();
    new MessageSigner({ sign: { keyId: 'k1', key: publisher.privateKey } }).sign(sent);
    expect(hmacSigner().refusal(received(sent))).toBe('signature does not verify with key k1');
  });
});

describe('configuration mistakes are refused when the app is created', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const ed = generateKeyPairSync('ed25519');
  const cases: [string, unknown, RegExp][] = [
    ['no sign key', { verify: { k1: SECRET } }, /signing needs sign: \{ keyId, key \}/],
    ['an empty key id', { sign: { keyId: '', key: SECRET } }, /signing needs sign: \{ keyId, key \}/],
    [
      'a short HMAC secret',
      { sign: { keyId: 'k1', key: 'password' } },
      /signing.sign.key is an HMAC secret of 8 bytes; use at least 32 random bytes/,
    ],
    [
      'a short verify secret',
      { sign: { keyId: 'k1', key: SECRET }, verify: { k0: 'short' } },
      /signing.verify\['k0'\] is an HMAC secret of 5 bytes/,
    ],
    ['a public key to sign with', { sign: { keyId: 'k1', key: ed.publicKey } }, /is an Ed25519 public key; signing needs the private key/],
    ['an RSA key', { sign: { keyId: 'k1', key: rsa.privateKey } }, /is a rsa key; tq signs with Ed25519 keys or HMAC secrets only/],
    [
      'PEM that is no key',
      { sign: { keyId: 'k1', key: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' } },
      /is PEM text that is not a valid private key/,
    ],
    [
      'a number',
      { sign: { keyId: 'k1', key: 42 } },
      /must be an HMAC secret \(string or bytes\) or an Ed25519 KeyObject or PEM; got number/,
    ],
    [
      'a verify key under the sign id that does not match it',
      { sign: { keyId: 'k1', key: SECRET }, verify: { k1: OTHER_SECRET } },
      /signing.verify\['k1'\] does not match signing.sign.key: this worker would refuse its own retries/,
    ],
  ];
  for (const [what, config, says] of cases) {
    it(what, () => {
      const create = () => new MessageSigner(config as SigningConfig);
      expect(create).toThrow(ConfigurationError);
      expect(create).toThrow(says);
    });
  }
});
