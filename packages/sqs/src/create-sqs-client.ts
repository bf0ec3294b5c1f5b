import { Agent } from 'node:https';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigurationError, tlsFailure } from '@tq/core';
import type { SqsBrokerConfig } from './sqs-broker-config.js';

/** What a TLS handshake failure's message tells an SQS user to do. */
const TLS_ADVICE = {
  trust: "pass the CA with the 'tls: { ca }' option or the URL's ?tlsCaFile=/path/to/ca.pem",
  plain: 'Use an http:// endpoint (no tls=true) for a plain-text port.',
};

/**
 * The SQS client tq creates from `clientConfig`: with `tls`, HTTPS goes through an agent with
 * those options (the SDK's own agent settings otherwise), and a failed TLS handshake becomes a
 * `ConfigurationError` naming its cause, thrown inside the SDK's retry loop so it is not retried.
 */
export function createSqsClient(config: Pick<SqsBrokerConfig, 'clientConfig' | 'tls'>): SQSClient {
  const clientConfig = { ...config.clientConfig };
  if (config.tls) {
    if (clientConfig.requestHandler) {
      throw new ConfigurationError("SqsBroker takes 'tls' or 'clientConfig.requestHandler', not both: 'tls' makes the request handler");
    }
    if (typeof clientConfig.endpoint === 'string' && clientConfig.endpoint.startsWith('http:')) {
      throw new ConfigurationError(`SqsBroker 'tls' needs an https:// endpoint; this one is ${clientConfig.endpoint}`);
    }
    // As the SDK's default agent (keep-alive, 50 sockets), plus the TLS options.
    clientConfig.requestHandler = { httpsAgent: new Agent({ keepAlive: true, maxSockets: 50, ...config.tls }) };
  }
  const client = new SQSClient(clientConfig);
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const { hostname, port } = (args.request ?? {}) as { hostname?: string; port?: number };
        throw tlsFailure(error, `${hostname ?? 'the SQS endpoint'}${port ? `:${port}` : ''}`, TLS_ADVICE) ?? error;
      }
    },
    { step: 'deserialize', name: 'tqNameTlsFailures' },
  );
  return client;
}
