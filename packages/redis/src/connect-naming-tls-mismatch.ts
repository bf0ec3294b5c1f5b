import { isIP, connect as plainConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ConfigurationError } from '@tq/core';
import type { RedisClient } from './redis-script.js';

/**
 * How long a TLS handshake may go unanswered before tq asks the port in plain text. A plain Redis
 * port never answers a TLS hello (it waits for a line that never comes), so without this
 * `rediss://` to a plain port would wait out ioredis's 10 s connect timeout and say only
 * "Connection is closed.". A TLS server answers within a few round trips.
 */
const HANDSHAKE_SUSPECT_MS = 1000;
/** How long each diagnostic probe may take. */
const PROBE_TIMEOUT_MS = 2000;

/** The server tq dials, as the URL gave it. */
export interface RedisTarget {
  host: string;
  port: number;
  /** `rediss://`. */
  tls: boolean;
  /** `host:port` for messages (a cluster: its seeds). */
  address: string;
}

/**
 * `client.connect()`, rejecting with the error that closed the connection (ioredis says only
 * "Connection is closed.") and naming a scheme that does not match the port as a `ConfigurationError`:
 * `rediss://` to a plain-text port (found by a plain PING after {@link HANDSHAKE_SUSPECT_MS}
 * without a TLS answer, and failed at once), and `redis://` to a TLS port (Redis resets the
 * plain connection; tq then tries a TLS handshake to tell that apart from other resets).
 */
export async function connectNamingTlsMismatch(client: RedisClient, target: RedisTarget): Promise<void> {
  let mismatch: ConfigurationError | undefined;
  const suspect = target.tls
    ? setTimeout(async () => {
        const plain = client.status !== 'ready' && (await answersPlainRedis(target.host, target.port));
        if (!plain || client.status === 'ready') return;
        mismatch = new ConfigurationError(
          `TLS handshake with ${target.address} failed: the server did not speak TLS (it answers plain-text Redis there): is this a TLS port? Use redis:// for this port, or rediss:// with the server's tls-port.`,
        );
        client.disconnect();
      }, HANDSHAKE_SUSPECT_MS)
    : undefined;
  // ioredis rejects connect() with "Connection is closed."; the reason is the error emitted before.
  let firstError: Error | undefined;
  const onError = (error: Error) => {
    firstError ??= error;
  };
  client.on('error', onError);
  try {
    await client.connect();
  } catch (closed) {
    const error = firstError ?? closed;
    if (mismatch) throw mismatch;
    if (!target.tls && closedEarly(error) && (await speaksTls(target.host, target.port))) {
      throw new ConfigurationError(
        `Redis at ${target.address} speaks TLS (it closed the plain-text connection and completed a TLS handshake): use rediss:// for this port.`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    clearTimeout(suspect);
    client.off('error', onError);
  }
}

/** A plain connection reset or closed before Redis said anything: what a TLS port does to plain text. */
function closedEarly(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'ECONNRESET' || message === 'Connection is closed.';
}

/** Whether `host:port` answers a plain-text PING as Redis does (`+PONG`, or an error such as `-NOAUTH`). */
function answersPlainRedis(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = plainConnect({ host, port });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), PROBE_TIMEOUT_MS);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^[+-]/.test(data.toString('latin1'))));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** Whether `host:port` completes a TLS handshake with any certificate (only whether it speaks TLS). */
function speaksTls(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), PROBE_TIMEOUT_MS);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}
