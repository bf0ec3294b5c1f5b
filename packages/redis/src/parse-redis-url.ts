import { ConfigurationError, maskCredentials } from '@tq/core';

/** Where and how to connect, from a `redis://` or `rediss://` URL. */
export interface RedisUrl {
  /** Seed nodes: one for a single server, one or more for a cluster. */
  nodes: { host: string; port: number }[];
  /** Database number (the URL path); always 0 in a cluster. */
  db: number;
  username: string | undefined;
  password: string | undefined;
  /** `rediss://`. */
  tls: boolean;
  /** `?cluster=true`, or several nodes given. */
  cluster: boolean;
  /** The query string, for transport options such as `keyPrefix`. */
  params: URLSearchParams;
}

const DEFAULT_PORT = 6379;

/**
 * Parses `redis://[user:pass@]host[:port][/db][?options]`. A cluster is
 * `redis://host:port?cluster=true` (more seeds with `&nodes=h2:p2,h3:p3`), or as a string
 * `redis://h1:p1,h2:p2?cluster=true` (not a WHATWG URL, so only where a string is accepted).
 */
export function parseRedisUrl(spec: string | URL): RedisUrl {
  let url: URL;
  let extraHosts: string[] = [];
  if (typeof spec === 'string') {
    // `redis://h1:p1,h2:p2/...`: keep the first host in the URL, the rest as extra seeds.
    const match = /^(rediss?:\/\/(?:[^@/?#]*@)?)([^/?#]*)(.*)$/.exec(spec);
    if (match?.[2]?.includes(',')) {
      const [first = '', ...rest] = match[2].split(',');
      extraHosts = rest;
      spec = `${match[1]}${first}${match[3]}`;
    }
    try {
      url = new URL(spec);
    } catch {
      // No `cause`: Node's URL error carries the whole input, password included.
      throw new ConfigurationError(
        `'${maskCredentials(spec)}' is not a Redis URL; expected e.g. redis://localhost:6379/0 (percent-encode any # / ? @ in the password)`,
      );
    }
  } else {
    url = spec;
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'redis' && scheme !== 'rediss') {
    throw new ConfigurationError(`A Redis URL starts with redis:// or rediss://, got '${url.protocol}//'`);
  }
  const params = url.searchParams;
  const seeds = [...extraHosts, ...(params.get('nodes')?.split(',').filter(Boolean) ?? [])];
  const nodes = [{ host: url.hostname || '127.0.0.1', port: Number(url.port || DEFAULT_PORT) }, ...seeds.map(parseHost)];
  const cluster = params.get('cluster') === 'true' || params.get('cluster') === '1' || nodes.length > 1;
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) throw new ConfigurationError(`Redis database must be a number (the URL path), got '${path}'`);
  if (cluster && db !== 0) throw new ConfigurationError('Redis Cluster has only database 0; remove the path from the URL');
  return {
    nodes,
    db,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: scheme === 'rediss',
    cluster,
    params,
  };
}

function parseHost(hostPort: string): { host: string; port: number } {
  const withoutScheme = hostPort.replace(/^rediss?:\/\//, '');
  const colon = withoutScheme.lastIndexOf(':');
  if (colon < 0) return { host: withoutScheme, port: DEFAULT_PORT };
  const port = Number(withoutScheme.slice(colon + 1));
  if (!Number.isInteger(port)) throw new ConfigurationError(`Bad cluster node '${hostPort}': expected host:port`);
  return { host: withoutScheme.slice(0, colon), port };
}
