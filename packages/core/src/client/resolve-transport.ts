import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError } from '../errors/configuration-error.js';
import { TransportNotInstalledError } from '../errors/transport-not-installed-error.js';
import { memoryTransport } from '../memory/index.js';
import type { Broker } from '../spec/broker.js';
import type { ResultBackend } from '../spec/result-backend.js';
import type { TransportContext } from '../spec/transport-context.js';
import { TRANSPORT_PACKAGES, type TransportModule } from '../spec/transport-module.js';
import { maskCredentials } from '../transport/mask-credentials.js';

/** A broker from a URL (loading its transport package, handing it `context`) or the broker object itself. */
export async function resolveBroker(spec: string | Broker, context: TransportContext): Promise<Broker> {
  if (typeof spec !== 'string') return spec;
  const url = parseUrl(spec, 'broker');
  const transport = await loadTransport(url);
  if (!transport.createBroker) throw new ConfigurationError(`'${url.protocol}//' cannot be a broker; it is a result backend only.`);
  return transport.createBroker(url, context);
}

/** A result backend from a URL (loading its transport package) or the backend object itself. */
export async function resolveResultBackend(spec: string | ResultBackend, context: TransportContext): Promise<ResultBackend> {
  if (typeof spec !== 'string') return spec;
  const url = parseUrl(spec, 'backend');
  const transport = await loadTransport(url);
  if (!transport.createResultBackend) {
    throw new ConfigurationError(`'${url.protocol}//' cannot be a result backend. Use redis:// or memory:// for results.`);
  }
  return transport.createResultBackend(url, context);
}

function parseUrl(spec: string, what: string): URL {
  try {
    return new URL(spec);
  } catch {
    // No `cause`: Node's URL error carries the whole input, password included.
    throw new ConfigurationError(
      `The ${what} URL '${maskCredentials(spec)}' is not a URL. Expected e.g. 'memory://' or 'redis://localhost:6379/0' (percent-encode any # / ? @ in the password).`,
    );
  }
}

async function loadTransport(url: URL): Promise<TransportModule> {
  const scheme = url.protocol.replace(/:$/, '');
  if (memoryTransport.schemes.includes(scheme)) return memoryTransport;
  const packageName = TRANSPORT_PACKAGES[scheme];
  if (!packageName) {
    const known = ['memory', ...Object.keys(TRANSPORT_PACKAGES)].map((s) => `${s}://`).join(', ');
    throw new ConfigurationError(`Unknown URL scheme '${scheme}://'. Known schemes: ${known}.`);
  }
  const module = await importTransport(scheme, packageName);
  if (!module.transport) throw new ConfigurationError(`${packageName} does not export 'transport'; is it a tq transport package?`);
  return module.transport;
}

/**
 * Import a transport package: as a peer of @tq/core, else from the application's own folder
 * (strict layouts such as pnpm's do not let @tq/core see packages it does not depend on).
 */
export async function importTransport(scheme: string, packageName: string): Promise<{ transport?: TransportModule }> {
  try {
    return (await import(packageName)) as { transport?: TransportModule };
  } catch (first) {
    if (!isNotFound(first, packageName)) throw first;
    let path: string;
    try {
      path = createRequire(join(process.cwd(), 'package.json')).resolve(packageName);
    } catch {
      throw new TransportNotInstalledError(scheme, packageName, { cause: first });
    }
    return (await import(pathToFileURL(path).href)) as { transport?: TransportModule };
  }
}

function isNotFound(error: unknown, packageName: string): boolean {
  const code = (error as { code?: string }).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(packageName);
}
