import { aloneFiles, integrationProject } from './vitest.project.js';

// A restart takes the broker from under every other user: these files run one at a time, in a
// group after the files that run side by side (with the chaos suite, which is alone for the same reason).
export default integrationProject({ name: 'integration-alone', include: aloneFiles, maxWorkers: 1, groupOrder: 2 });
