import { useEffect, useState } from 'preact/hooks';

/** How often pages refresh: live enough for a task to show up within a couple of seconds. */
const REFRESH_MS = 2000;

/** The value `load` resolves to, loaded again every 2 s and whenever `key` changes; the last error, if any. */
export function usePolling<T>(load: () => Promise<T>, key: string): { data: T | undefined; error: string | undefined } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const run = () =>
      load().then(
        (value) => {
          if (!live) return;
          setData(value);
          setError(undefined);
        },
        (failure: Error) => live && setError(failure.message),
      );
    void run();
    const timer = setInterval(run, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key]);
  return { data, error };
}
