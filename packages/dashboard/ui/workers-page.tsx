import { getJson } from './api.js';
import { timeText } from './format.js';
import { usePolling } from './use-polling.js';

interface WorkerRow {
  hostname: string;
  alive: boolean;
  freq: number;
  lastHeartbeat?: number;
  active: number;
  processed: number;
  loadavg: number[];
  swIdent?: string;
  swVer?: string;
  pid: number;
}

/** Workers, tq's and Celery's, from their heartbeats: online or offline, last heartbeat, load. */
export function WorkersPage() {
  const { data, error } = usePolling(() => getJson<{ workers: WorkerRow[] }>('workers'), 'workers');
  return (
    <section>
      <h1>Workers</h1>
      {error && <p class="error">{error}</p>}
      {data && data.workers.length === 0 && <p>No worker heard from yet: workers announce themselves every few seconds.</p>}
      <table data-testid="workers">
        <thead>
          <tr>
            <th>Worker</th>
            <th>Status</th>
            <th>Last heartbeat</th>
            <th class="number">Active</th>
            <th class="number">Processed</th>
            <th>Load</th>
            <th>Software</th>
          </tr>
        </thead>
        <tbody>
          {data?.workers.map((worker) => (
            <tr key={worker.hostname} data-worker={worker.hostname}>
              <td>{worker.hostname}</td>
              <td>
                <span class={worker.alive ? 'state state-SUCCESS' : 'state state-FAILURE'}>{worker.alive ? 'online' : 'offline'}</span>
              </td>
              <td>{timeText(worker.lastHeartbeat)}</td>
              <td class="number">{worker.alive ? worker.active : '–'}</td>
              <td class="number">{worker.processed}</td>
              <td>{worker.loadavg.map((load) => load.toFixed(2)).join(' ') || '–'}</td>
              <td>{[worker.swIdent, worker.swVer].filter(Boolean).join(' ') || '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
