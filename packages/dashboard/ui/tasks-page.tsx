import { useState } from 'preact/hooks';
import { getJson, type TaskRow } from './api.js';
import { timeText } from './format.js';
import { usePolling } from './use-polling.js';

const STATES = ['', 'PENDING', 'RECEIVED', 'STARTED', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED', 'REJECTED'];
const FIELDS = ['id', 'name', 'state', 'text', 'exception', 'from', 'to'] as const;
/** Fields the URL holds as UNIX seconds and the form as local `YYYY-MM-DDTHH:MM`. */
const TIMES = new Set<string>(['from', 'to']);

/**
 * The task list: search by id, name, state, what the args or kwargs contain, the exception, and a
 * time range; the filter lives in the URL, so it can be shared.
 */
export function TasksPage({ search }: { search: URLSearchParams }) {
  const [form, setForm] = useState(() =>
    Object.fromEntries(FIELDS.map((field) => [field, TIMES.has(field) ? localTime(search.get(field)) : (search.get(field) ?? '')])),
  );
  const query = new URLSearchParams(FIELDS.flatMap((field) => (search.get(field) ? [[field, search.get(field) as string]] : [])));
  const { data, error } = usePolling(() => getJson<{ total: number; tasks: TaskRow[] }>(`tasks?${query}`), query.toString());
  const submit = (event: Event) => {
    event.preventDefault();
    const next = new URLSearchParams(
      Object.entries(form)
        .filter(([, value]) => value.trim() !== '')
        .map(([field, value]) => [field, TIMES.has(field) ? String(Date.parse(value) / 1000) : value]),
    );
    location.hash = `#/tasks?${next}`;
  };
  const input = (field: (typeof FIELDS)[number], placeholder: string) => {
    const props = {
      name: field,
      title: placeholder,
      value: form[field],
      onInput: (event: Event) => setForm({ ...form, [field]: (event.target as HTMLInputElement).value }),
    };
    return TIMES.has(field) ? <input type="datetime-local" {...props} /> : <input type="text" placeholder={placeholder} {...props} />;
  };
  return (
    <section>
      <h1>Tasks</h1>
      <form class="search" onSubmit={submit}>
        {input('id', 'task id')}
        {input('name', 'task name')}
        <select
          name="state"
          value={form.state}
          onChange={(event) => setForm({ ...form, state: (event.target as HTMLSelectElement).value })}
        >
          {STATES.map((state) => (
            <option key={state} value={state}>
              {state || 'any state'}
            </option>
          ))}
        </select>
        {input('text', 'args / kwargs contain')}
        {input('exception', 'exception')}
        {input('from', 'changed from')}
        {input('to', 'changed before')}
        <button type="submit">Search</button>
      </form>
      {error && <p class="error">{error}</p>}
      {data && (
        <p data-testid="task-total">
          {data.total} task{data.total === 1 ? '' : 's'}
          {data.total > data.tasks.length ? `, newest ${data.tasks.length} shown` : ''}
        </p>
      )}
      <table data-testid="tasks">
        <thead>
          <tr>
            <th>State</th>
            <th>Name</th>
            <th>Id</th>
            <th>Args</th>
            <th>Kwargs</th>
            <th>Worker</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {data?.tasks.map((task) => (
            <tr key={task.id} data-task={task.id}>
              <td>
                <span class={`state state-${task.state}`}>{task.state}</span>
              </td>
              <td>{task.name ?? '?'}</td>
              <td>
                <a href={`#/task/${encodeURIComponent(task.id)}`}>{task.id}</a>
              </td>
              <td class="code">{task.args}</td>
              <td class="code">{task.kwargs}</td>
              <td>{task.worker ?? '–'}</td>
              <td>{timeText(task.updated)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** UNIX seconds from the URL as the value of a `datetime-local` input, in local time; '' when absent. */
function localTime(seconds: string | null): string {
  if (!seconds) return '';
  const date = new Date(Number(seconds) * 1000);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
