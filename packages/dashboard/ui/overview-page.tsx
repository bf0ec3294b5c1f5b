import { getJson } from './api.js';
import { ThroughputChart, type ThroughputData } from './throughput-chart.js';
import { usePolling } from './use-polling.js';

interface Overview {
  throughput: ThroughputData;
  states: Record<string, number>;
  tasks: number;
  workersOnline: number;
}

/** Overview: live throughput, tasks by state, workers online, queue sizes. */
export function OverviewPage() {
  const overview = usePolling(() => getJson<Overview>('overview'), 'overview');
  const queues = usePolling(() => getJson<{ queues: { name: string; size: number | null; error?: string }[] }>('queues'), 'queues');
  const data = overview.data;
  return (
    <section>
      <h1>Overview</h1>
      {overview.error && <p class="error">{overview.error}</p>}
      {data && (
        <>
          <div class="cards">
            <div class="card">
              <b data-testid="workers-online">{data.workersOnline}</b> workers online
            </div>
            <div class="card">
              <b>{data.tasks}</b> tasks in history
            </div>
            {Object.entries(data.states).map(([state, count]) => (
              <div class="card" key={state}>
                <b>{count}</b> <span class={`state state-${state}`}>{state}</span>
              </div>
            ))}
          </div>
          <h2>Throughput (last 10 minutes)</h2>
          <ThroughputChart data={data.throughput} />
        </>
      )}
      <h2>Queues</h2>
      {queues.error && <p class="error">{queues.error}</p>}
      <table>
        <thead>
          <tr>
            <th>Queue</th>
            <th class="number">Waiting</th>
          </tr>
        </thead>
        <tbody>
          {queues.data?.queues.map((queue) => (
            <tr key={queue.name}>
              <td>{queue.name}</td>
              <td class="number" title={queue.error}>
                {queue.size ?? 'unknown'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
