import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { INPUT } from '../../ids.js';
import { makeJobSearchHandler } from './job-search.js';

export function register(app: App, deps: AppDeps): void {
  app.options({ action_id: INPUT.jobId, type: 'block_suggestion' }, makeJobSearchHandler(deps));
}
