/** The Google Gemini API wire protocol of the simulator. */
export { GEMINI_PROTOCOL } from './gemini-protocol.js';
