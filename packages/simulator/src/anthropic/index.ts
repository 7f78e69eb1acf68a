/** The Anthropic Messages wire protocol of the simulator. */
export { ANTHROPIC_PROTOCOL } from './anthropic-protocol.js';
