export { loadApp } from './load-app.js';
export { program } from './program.js';
