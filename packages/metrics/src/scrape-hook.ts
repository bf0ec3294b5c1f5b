import type { Gauge } from 'prom-client';

/** Fills a gauge when it is scraped (its values are read from the worker and the broker then). */
export type ScrapeHook = (gauge: Gauge<string>) => Promise<void> | void;

/** A prom-client `collect` option that hands the gauge being scraped to `hook`. */
export function scrapeHook(hook: ScrapeHook): (this: Gauge<string>) => Promise<void> | void {
  return function (this: Gauge<string>) {
    return hook(this);
  };
}
