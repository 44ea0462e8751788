import type { App } from '@slack/bolt';
import { OPEN_LINK_ACTION } from '../../blocks/action-values.js';
import { actionMatcher } from '../../blocks/kit.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { makeCardOverflowHandler } from './card-overflow.js';
import { makeConfigsPageHandler } from './configs-page.js';
import { makeHomeRefreshHandler } from './home-refresh.js';
import { makeJobRefreshHandler } from './job-refresh.js';
import { makeJobWatchHandler } from './job-watch.js';
import { makeJobsPageHandler } from './jobs-page.js';
import { makeOpenLinkHandler } from './open-link.js';
import { makeShareHandler } from './share.js';
import { makeTasksPageHandler } from './tasks-page.js';
import { makeUnwatchHandler } from './unwatch.js';

/** Several buttons of one kind may share an actions block, so their action_ids carry a suffix (`jobs_page:next`). */
const withSuffix = actionMatcher;

export function register(app: App, deps: AppDeps): void {
  app.action(withSuffix(ACTION.jobsPage), makeJobsPageHandler(deps));
  app.action(withSuffix(ACTION.configsPage), makeConfigsPageHandler(deps));
  app.action(withSuffix(ACTION.tasksPage), makeTasksPageHandler(deps));
  app.action(withSuffix(ACTION.jobRefresh), makeJobRefreshHandler(deps));
  app.action(withSuffix(ACTION.jobWatch), makeJobWatchHandler(deps));
  app.action(withSuffix(ACTION.share), makeShareHandler(deps));
  app.action(withSuffix(ACTION.unwatch), makeUnwatchHandler(deps));
  app.action(withSuffix(ACTION.homeRefresh), makeHomeRefreshHandler(deps));
  app.action(OPEN_LINK_ACTION, makeOpenLinkHandler(deps));
  app.action(withSuffix(ACTION.cardOverflow), makeCardOverflowHandler(deps));
}
