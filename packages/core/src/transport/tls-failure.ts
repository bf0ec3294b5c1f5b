import { ConfigurationError } from '../errors/configuration-error.js';

/** How a transport's users fix each kind of TLS failure, in that transport's terms. */
export interface TlsAdvice {
  /** How to give the CA that signed the server's certificate, e.g. "pass it with `tls: { ca }` or `?ssl_ca_certs=/path/ca.pem`". */
  trust: string;
  /** What to use for a port without TLS, e.g. "use redis:// for a plain-text port". */
  plain: string;
}

/** Node's verification codes meaning "signed by no CA this client trusts". */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** OpenSSL's codes when the bytes that came back are not TLS at all. */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);
/** The server's alerts when it wants a client certificate or does not accept the one sent. */
const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
]);

/**
 * For transports: a driver's connection error that is really a failed TLS handshake, as a
 * `ConfigurationError` naming the cause and its fix (retrying cannot help; the CLI does not retry
 * it at start-up); `undefined` for any other error. Looks through `cause`, `originalError` and
 * `errors` (drivers wrap socket errors differently).
 *
 * @param address `host:port` of the server, never with credentials.
 * @example "TLS handshake with 127.0.0.1:6380 failed: self-signed certificate in certificate chain
 *   (the server's certificate is not signed by a CA this client trusts); pass the CA with …"
 */
export function tlsFailure(error: unknown, address: string, advice: TlsAdvice): ConfigurationError | undefined {
  const found = socketError(error, 0);
  if (!found) return undefined;
  const { code, message } = found;
  const reason = UNTRUSTED.has(code)
    ? // Node 24 appends its own hint ("; if the root CA is installed locally, try … --use-system-ca"): ours says more.
      `${message.split('; ')[0]} (the server's certificate is not signed by a CA this client trusts); ${advice.trust}`
    : EXPIRED.has(code)
      ? `${message} (check the server's certificate and this machine's clock)`
      : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `${message}; connect by a name the certificate lists, or set the TLS servername to one`
        : NOT_TLS.has(code) || code === 'ECONNRESET'
          ? `the server did not speak TLS (${message}): is this a TLS port? ${advice.plain}`
          : CLIENT_CERT_REFUSED.has(code)
            ? `the server refused this client's certificate (${message}): give a client certificate and key its CA accepts`
            : message;
  return new ConfigurationError(`TLS handshake with ${address} failed: ${reason}`, { cause: error });
}

/** The first TLS-related error in the chain: its code and message. */
function socketError(error: unknown, depth: number): { code: string; message: string } | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && isTlsCode(code)) return { code, message: openSslReason(text) };
  // A failed write reports OpenSSL's error as EPROTO, its reason in words only: name it like node does.
  if (code === 'EPROTO' && /SSL routines/.test(text)) {
    const reason = openSslReason(text);
    return { code: `ERR_SSL_${reason.toUpperCase().replaceAll(' ', '_')}`, message: reason };
  }
  // Closed mid-handshake: node says so in words only (its code is a plain ECONNRESET).
  if (/before secure TLS connection was established/.test(text)) return { code: 'ECONNRESET', message: text };
  const nested = error as { cause?: unknown; originalError?: unknown; errors?: unknown };
  const children = [nested.cause, nested.originalError, ...(Array.isArray(nested.errors) ? nested.errors : [])];
  for (const child of children) {
    const found = socketError(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** OpenSSL's own messages carry a source path and line; keep the reason ("wrong version number"). */
function openSslReason(message: string): string {
  return /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message.trim();
}

function isTlsCode(code: string): boolean {
  return UNTRUSTED.has(code) || EXPIRED.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_');
}
