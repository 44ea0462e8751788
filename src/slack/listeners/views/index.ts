import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { CALLBACK } from '../../ids.js';
import { makeLookupModalHandler } from './lookup-modal.js';

export function register(app: App, deps: AppDeps): void {
  app.view(CALLBACK.lookupModal, makeLookupModalHandler(deps));
}
