export { program } from './program.js';
export { loadApp } from './load-app.js';
