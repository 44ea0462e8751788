/**
 * The CLI's view of the environment: only the ModelArts variables, validated by the same reader as the bot's.
 */
import { type Config, loadModelArtsConfig, modelArtsSecrets } from '../config.js';

export { loadModelArtsConfig };

export type ModelArtsConfig = Config['modelarts'];

/** Secret values of a ModelArts configuration, for scrubbing CLI output. */
export const secretsOf = modelArtsSecrets;
