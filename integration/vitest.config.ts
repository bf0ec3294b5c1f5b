import { aloneFiles, integrationProject } from './vitest.project.js';

// Most files only wait on brokers and Python peers, with unique queue names: three run side by side
// (two cores, which the brokers share). Files that restart a broker are `*.alone.test.ts`
// (vitest.alone.config.ts), as are files that compare the whole broker's state before and after.
export default integrationProject({ name: 'integration', include: 'test/**/*.test.ts', exclude: aloneFiles, maxWorkers: 3, groupOrder: 1 });
