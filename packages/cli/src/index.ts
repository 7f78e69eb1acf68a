export type { CommandIo } from './io.js';
export { main } from './main.js';
