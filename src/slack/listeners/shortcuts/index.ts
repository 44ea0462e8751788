import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { CALLBACK } from '../../ids.js';
import { makeLookupJobHandler } from './lookup-job.js';
import { makeWatchMessageHandler } from './watch-message.js';

export function register(app: App, deps: AppDeps): void {
  app.shortcut({ callback_id: CALLBACK.lookupShortcut, type: 'shortcut' }, makeLookupJobHandler(deps));
  app.shortcut({ callback_id: CALLBACK.watchMessageShortcut, type: 'message_action' }, makeWatchMessageHandler(deps));
}
