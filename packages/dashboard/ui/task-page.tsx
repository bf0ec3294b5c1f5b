import { useState } from 'preact/hooks';
import { finalStates, retryableStates } from '../src/history/task-record.js';
import { type DashboardConfig, getJson, postAction, type TaskRow } from './api.js';
import { timeText } from './format.js';
import { usePolling } from './use-polling.js';

interface Meta {
  status: string;
  result: unknown;
  traceback: string | null;
  args?: unknown[] | null;
  kwargs?: Record<string, unknown> | null;
}

/** A labelled link to a related task, nothing when there is none. */
function TaskLink({ label, id }: { label: string; id: string | undefined }) {
  if (!id) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <a href={`#/task/${encodeURIComponent(id)}`}>{id}</a>
      </dd>
    </>
  );
}

/** One task: args, kwargs, result or exception and traceback, its worker and times, and the actions. */
export function TaskPage({ id, config }: { id: string; config: DashboardConfig }) {
  const { data, error } = usePolling(() => getJson<{ task: TaskRow; meta: Meta | null }>(`tasks/${encodeURIComponent(id)}`), id);
  const [message, setMessage] = useState<string | undefined>(undefined);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p>Loading…</p>;
  const { task, meta } = data;
  // The result backend has the exact JSON values; events only Python reprs.
  const exact = (value: unknown, repr: string | undefined) =>
    value !== undefined && value !== null ? JSON.stringify(value, null, 2) : (repr ?? '–');
  const act = async (action: 'retry' | 'revoke') => {
    try {
      const answer = await postAction<{ id: string }>(`tasks/${encodeURIComponent(task.id)}/${action}`);
      if (action === 'retry') location.hash = `#/task/${encodeURIComponent(answer.id)}`;
      else setMessage('Revoke sent.');
    } catch (failure) {
      setMessage((failure as Error).message);
    }
  };
  return (
    <section>
      <h1>
        {task.name ?? '?'}{' '}
        <span class={`state state-${task.state}`} data-testid="task-state">
          {task.state}
        </span>
      </h1>
      {!config.readOnly && (
        <div class="actions">
          {retryableStates.has(task.state) && (
            <button type="button" onClick={() => act('retry')}>
              Retry
            </button>
          )}
          {!finalStates.has(task.state) && (
            <button type="button" onClick={() => act('revoke')}>
              Revoke
            </button>
          )}
        </div>
      )}
      {message && <p class="error">{message}</p>}
      <dl>
        <dt>Id</dt>
        <dd data-testid="task-id">{task.id}</dd>
        <TaskLink label="Retry of" id={task.retryOf} />
        <TaskLink label="Retried as" id={task.retriedAs} />
        <dt>Queue</dt>
        <dd>{task.queue ?? '–'}</dd>
        <dt>Worker</dt>
        <dd>{task.worker ?? '–'}</dd>
        <dt>Sent / received / started</dt>
        <dd>
          {timeText(task.sent)} / {timeText(task.received)} / {timeText(task.started)}
        </dd>
        <dt>Updated</dt>
        <dd>{timeText(task.updated)}</dd>
        <dt>Runtime</dt>
        <dd>{task.runtime === undefined ? '–' : `${task.runtime.toFixed(3)} s`}</dd>
        <dt>Retries</dt>
        <dd>{task.retries}</dd>
      </dl>
      <h2>Args</h2>
      <pre data-testid="task-args">{exact(meta?.args, task.args)}</pre>
      <h2>Kwargs</h2>
      <pre data-testid="task-kwargs">{exact(meta?.kwargs, task.kwargs)}</pre>
      {task.state === 'SUCCESS' && (
        <>
          <h2>Result</h2>
          <pre data-testid="task-result">{exact(meta?.status === 'SUCCESS' ? meta.result : undefined, task.result)}</pre>
        </>
      )}
      {task.exception && task.state !== 'SUCCESS' && (
        <>
          <h2>Exception</h2>
          <pre data-testid="task-exception">{task.exception}</pre>
          <h2>Traceback</h2>
          <pre data-testid="task-traceback">{task.traceback || meta?.traceback || '–'}</pre>
        </>
      )}
    </section>
  );
}
