import type { AllMiddlewareArgs, App, SlackActionMiddlewareArgs } from '@slack/bolt';
import { OPEN_LINK_ACTION } from '../../blocks/action-values.js';
import { actionMatcher } from '../../blocks/kit.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { makeCardOverflowHandler } from './card-overflow.js';
import { makeConfigsPageHandler } from './configs-page.js';
import { makeHomeRefreshHandler } from './home-refresh.js';
import { makeJobLogsHandler } from './job-logs.js';
import { makeJobRefreshHandler } from './job-refresh.js';
import { makeJobWatchHandler } from './job-watch.js';
import { makeJobsPageHandler } from './jobs-page.js';
import { makeOpenLinkHandler } from './open-link.js';
import { makeRunCommandHandler } from './run-command.js';
import { makeShareHandler } from './share.js';
import { makeTaskDetailsHandler } from './task-details.js';
import { makeTasksPageHandler } from './tasks-page.js';
import { makeUnwatchHandler } from './unwatch.js';
import { makeVizPageHandler } from './viz-page.js';

type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
// Each handler is written for the action it serves (buttons, overflow menus); the matchers below decide which.
type AnyActionHandler = (args: ActionArgs) => Promise<void>;

/**
 * One Bolt listener for every action, dispatching on the action_id. Bolt runs every registered listener's
 * middleware chain for every request (a slash command too), copying the request's arguments at each step: ten
 * action listeners cost every request ten such chains. Several buttons of one kind may share an actions block, so
 * their action_ids carry a suffix (`jobs_page:next`).
 */
export function register(app: App, deps: AppDeps): void {
  const routes: Array<[RegExp, AnyActionHandler]> = [
    [actionMatcher(ACTION.jobsPage), makeJobsPageHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.configsPage), makeConfigsPageHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.tasksPage), makeTasksPageHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.vizPage), makeVizPageHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.runCommand), makeRunCommandHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.taskDetails), makeTaskDetailsHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.jobRefresh), makeJobRefreshHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.jobWatch), makeJobWatchHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.jobLogs), makeJobLogsHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.share), makeShareHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.unwatch), makeUnwatchHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.homeRefresh), makeHomeRefreshHandler(deps) as AnyActionHandler],
    [OPEN_LINK_ACTION, makeOpenLinkHandler(deps) as AnyActionHandler],
    [actionMatcher(ACTION.cardOverflow), makeCardOverflowHandler(deps) as AnyActionHandler],
  ];
  const route = (actionId: string) => routes.find(([matches]) => matches.test(actionId))?.[1];
  const ours = new RegExp(routes.map(([matches]) => `(?:${matches.source})`).join('|'));
  app.action(ours, async (args) => {
    const handler = 'action_id' in args.action ? route(args.action.action_id) : undefined;
    if (handler) await handler(args);
    else await args.ack();
  });
}
