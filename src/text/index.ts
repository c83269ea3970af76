/** Text helpers shared by config, commands, the bot and the workers ("did you mean", durations in words); pure, imports nothing of ours. */
export { didYouMean } from './did-you-mean.js';
export { duration } from './duration.js';
