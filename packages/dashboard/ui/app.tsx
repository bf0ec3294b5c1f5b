import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { type DashboardConfig, getJson } from './api.js';
import { OverviewPage } from './overview-page.js';
import { TaskPage } from './task-page.js';
import { TasksPage } from './tasks-page.js';
import { WorkersPage } from './workers-page.js';

/** Where the hash points: `#/tasks?name=x`, `#/task/<id>`, `#/workers`, `#/` (overview). Hash routes need nothing from the server, under any base path. */
function useRoute(): { path: string; search: URLSearchParams } {
  const read = () => {
    const [path = '/', search = ''] = location.hash.replace(/^#/, '').split('?');
    return { path: path || '/', search: new URLSearchParams(search) };
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function App() {
  const route = useRoute();
  const [config, setConfig] = useState<DashboardConfig | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    getJson<DashboardConfig>('config').then(setConfig, (failure: Error) => setError(failure.message));
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!config) return <p>Loading…</p>;
  const task = /^\/task\/(.+)$/.exec(route.path);
  const link = (href: string, text: string, active: boolean) => (
    <a href={href} class={active ? 'active' : ''}>
      {text}
    </a>
  );
  return (
    <>
      <header>
        <strong>tq</strong>
        <nav>
          {link('#/', 'Overview', route.path === '/')}
          {link('#/workers', 'Workers', route.path === '/workers')}
          {link('#/tasks', 'Tasks', route.path === '/tasks' || task !== null)}
        </nav>
        <span class="who">
          {config.broker} · {config.user}
          {config.readOnly && (
            <span class="badge" data-testid="read-only">
              read-only
            </span>
          )}
        </span>
      </header>
      <main>
        {task ? (
          <TaskPage id={decodeURIComponent(task[1] as string)} config={config} key={task[1]} />
        ) : route.path === '/workers' ? (
          <WorkersPage />
        ) : route.path === '/tasks' ? (
          <TasksPage search={route.search} key={route.search.toString()} />
        ) : (
          <OverviewPage />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('root') as HTMLElement);
