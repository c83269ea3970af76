/** Text helpers shared by the config and the command parser; pure, and imports nothing of ours. */
export { didYouMean } from './did-you-mean.js';
