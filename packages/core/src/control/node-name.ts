import { hostname as osHostname } from 'node:os';

/**
 * Expand Celery's node-name abbreviations (`celery worker -n`): `%h` the full host name,
 * `%n` its first label (the name part), `%d` the rest (the domain part), so `tq@%h` on
 * `web1.example.com` is `tq@web1.example.com` and `%n@%d` is `web1@example.com`. Other `%`
 * sequences stay as they are (Celery's `%i`/`%I` name pool processes, which tq does not have).
 * Unlike Celery, a name without `@` gets no `celery@` prefix: the name is used as given.
 */
export function expandNodeName(template: string, host: string = osHostname()): string {
  const dot = host.indexOf('.');
  const parts: Record<string, string> = {
    h: host,
    n: dot < 0 ? host : host.slice(0, dot),
    d: dot < 0 ? '' : host.slice(dot + 1),
  };
  return template.replace(/%([hnd])/g, (_, key: string) => parts[key] as string);
}
