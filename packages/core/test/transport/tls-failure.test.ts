import { describe, expect, it } from 'vitest';
import { ConfigurationError, tlsFailure } from '../../src/index.js';

const advice = { trust: 'pass the CA with ca=', plain: 'Use plain:// for a plain-text port.' };

/** An error as Node's tls module makes it: a message and a code. */
function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('TLS handshake failures named as configuration errors', () => {
  it('an untrusted certificate, found under the driver wrapper that carries it', () => {
    const socket = nodeError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain');
    const wrapped = Object.assign(new Error('Connection error: self-signed certificate in certificate chain'), { originalError: socket });
    const error = tlsFailure(new Error('retries exceeded', { cause: wrapped }), 'h:1', advice);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.message).toBe(
      "TLS handshake with h:1 failed: self-signed certificate in certificate chain (the server's certificate is not signed by a CA this client trusts); pass the CA with ca=",
    );
  });

  it("without Node 24's own hint about the system CA store, which ours replaces", () => {
    const socket = nodeError(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca',
    );
    expect(tlsFailure(socket, 'h:1', advice)?.message).toBe(
      "TLS handshake with h:1 failed: unable to verify the first certificate (the server's certificate is not signed by a CA this client trusts); pass the CA with ca=",
    );
  });

  it("OpenSSL's reason for bytes that are not TLS, without its source path, also when a write reports it as EPROTO", () => {
    const openSsl =
      'write EPROTO 80AC8FA4DA7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n';
    for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO']) {
      expect(tlsFailure(nodeError(code, openSsl), 'h:1', advice)?.message).toBe(
        'TLS handshake with h:1 failed: the server did not speak TLS (wrong version number): is this a TLS port? Use plain:// for a plain-text port.',
      );
    }
  });

  it('a hostname mismatch says how to fix it', () => {
    const error = nodeError(
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames: Host: a. is not in the cert's altnames: DNS:b",
    );
    expect(tlsFailure(error, 'h:1', advice)?.message).toMatch(
      /altnames: DNS:b; connect by a name the certificate lists, or set the TLS servername/,
    );
  });

  it('anything else is not a TLS failure', () => {
    expect(tlsFailure(nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), 'h:1', advice)).toBeUndefined();
    expect(tlsFailure(new Error('Connection is closed.'), 'h:1', advice)).toBeUndefined();
    expect(tlsFailure(undefined, 'h:1', advice)).toBeUndefined();
  });
});
