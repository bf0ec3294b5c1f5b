import { aloneFiles, integrationProject } from './vitest.project.js';

// A restart takes the broker from under every other user: these files run one at a time, and
// vitest runs single-worker projects in their own group, after the files that run side by side.
export default integrationProject({ name: 'integration-alone', include: aloneFiles, maxWorkers: 1 });
