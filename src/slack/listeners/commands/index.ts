import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { makeModelartsCommandHandler } from './modelarts.js';

export const SLASH_COMMAND = '/modelarts';

export function register(app: App, deps: AppDeps): void {
  app.command(SLASH_COMMAND, makeModelartsCommandHandler(deps));
}
