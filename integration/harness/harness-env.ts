/**
 * Env vars the global setup hands to test workers next to the broker URLs
 * (`REDIS_URL`, ... see service-names.ts).
 */
export const harnessEnv = {
  /** Services this run provides, comma-separated. */
  provided: 'TQ_BROKERS_PROVIDED',
  /** Services the harness started itself and can therefore restart, comma-separated. */
  restartable: 'TQ_BROKERS_RESTARTABLE',
  /** URL of the global setup's control endpoint (see control-server.ts). */
  control: 'TQ_BROKERS_CONTROL_URL',
  /** The `python` of the virtualenv with the pinned Celery peer (see python-venv.ts). */
  python: 'TQ_PYTHON',
  /**
   * Debian's Chromium for the dashboard's browser tests (see browser.ts): its path, or why it could
   * not be installed (`error: ...`), so only the browser tests fail on a machine without it.
   */
  chromium: 'TQ_CHROMIUM',
} as const;
