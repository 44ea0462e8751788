import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { makeAppHomeOpenedHandler } from './app-home-opened.js';
import { makeLinkSharedHandler } from './link-shared.js';

export function register(app: App, deps: AppDeps): void {
  app.event('app_home_opened', makeAppHomeOpenedHandler(deps));
  app.event('link_shared', makeLinkSharedHandler(deps));
}
