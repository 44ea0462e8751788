/**
 * What the Slack app needs from the outside, passed in by main.ts (or a test). Listeners receive `AppDeps`: these
 * deps plus the app's tuning and caches, resolved once by `resolveDeps`.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import {
  type ConsoleLinks,
  consoleLinks,
  createTrainingApiAvailability,
  createTrainingService,
  type ModelArtsApi,
  type TrainingApiAvailability,
  type TrainingService,
} from '../modelarts/index.js';
import type { Store, Watch } from '../store/types.js';
import { createDirectory, type Directory } from './directory.js';

export interface SlackDeps {
  config: Config;
  modelarts: ModelArtsApi;
  store: Store;
  logger: Logger;
  now: () => Date;
  botToken: string;
  /** Base URL for every Web API call (SLACK_API_URL); Slack's own when unset. */
  slackApiUrl?: string | undefined;
  /**
   * Which training APIs to ask (MODELARTS_TRAINING_API and what the account turned out to lack). main.ts builds one
   * per process so the poller and Slack share what they learn; left out, one is built from the configuration.
   */
  trainingApis?: TrainingApiAvailability | undefined;
  /** Told about each new watch (e.g. to poll sooner); errors are logged, never shown to the user. */
  onWatchCreated?: ((watch: Watch) => void | Promise<void>) | undefined;
}

/** Timing knobs. Defaults fit Slack's 3 s ack deadline; tests may shorten them, never lengthen past it. */
export interface AppTuning {
  /** How long a lookup may take before the ack says "Looking up…" and the answer follows via response_url. */
  ackBudgetMs: number;
  /** Hard deadline for a lookup finished through response_url (its URL lives 30 minutes; people do not wait). */
  lookupDeadlineMs: number;
  /** Per ModelArts call, on top of the API layer's own timeout. */
  modelartsTimeoutMs: number;
  /** How long the shortcut modal's submission may check the job before accepting and reporting later. */
  viewSubmissionBudgetMs: number;
  /** Cached users.info answers (time zone, guest and external flags) and channel member lists live this long. */
  directoryTtlMs: number;
  /** How long an access check may wait for Slack (users.info, conversations.members) before it refuses. */
  accessCheckWaitMs: number;
  /** Visualization jobs scanned for a TensorBoard matching a job's output path (one page of the list). */
  tensorboardScanLimit: number;
  /**
   * Lookups allowed to run at once; more are answered "busy" at once. Under a flood with ModelArts slow, waiting
   * lookups would otherwise pile up behind its connection pool and end, minutes of CPU and memory later, as
   * timeouts nobody waits for.
   */
  maxLookupsInFlight: number;
}

export const DEFAULT_TUNING: AppTuning = {
  ackBudgetMs: 2_000,
  lookupDeadlineMs: 25_000,
  modelartsTimeoutMs: 10_000,
  viewSubmissionBudgetMs: 2_000,
  directoryTtlMs: 10 * 60 * 1000,
  // Inside the ack window: a slash command's refusal is its ack.
  accessCheckWaitMs: 1_500,
  tensorboardScanLimit: 100,
  maxLookupsInFlight: 256,
};

export interface AppDeps extends SlackDeps {
  tuning: AppTuning;
  projectId: string;
  /** Links to runs in the ModelArts console, and reading such links back. */
  consoleLinks: ConsoleLinks;
  /** Training runs of both APIs in JobRun terms, with their console links: what every surface reads runs through. */
  training: TrainingService;
  /** The bot's own user id once known (auth.test), for "invite @bot" hints and ignoring its own messages. */
  identity: {
    botUserId: string | null;
    botId: string | null;
    teamId: string | null;
    enterpriseId: string | null;
    botName: string | null;
  };
  directory: Directory;
  /** Lookups running now (withDeadline), against tuning.maxLookupsInFlight. */
  lookups: { inFlight: number };
}

/** The console links the configuration asks for (templates, or the cloud and region of the endpoint). */
export function consoleLinksFor(config: Config['modelarts'], projectId: string): ConsoleLinks {
  return consoleLinks({
    endpoint: config.endpoint,
    projectId,
    region: config.consoleRegion,
    v1Template: config.consoleJobUrlTemplate,
    v2Template: config.consoleV2JobUrlTemplate,
  });
}

export function resolveDeps(deps: SlackDeps, tuning?: Partial<AppTuning>): AppDeps {
  const merged: AppTuning = { ...DEFAULT_TUNING, ...tuning };
  merged.modelartsTimeoutMs = Math.min(merged.modelartsTimeoutMs, deps.config.modelarts.timeoutMs);
  const links = consoleLinksFor(deps.config.modelarts, deps.modelarts.projectId);
  const availability =
    deps.trainingApis ??
    createTrainingApiAvailability({
      mode: deps.config.modelarts.trainingApi,
      reprobeMs: deps.config.modelarts.apiReprobeSeconds * 1000,
    });
  return {
    ...deps,
    tuning: merged,
    projectId: deps.modelarts.projectId,
    consoleLinks: links,
    training: createTrainingService({
      api: deps.modelarts,
      availability,
      now: () => deps.now().getTime(),
      withConsoleUrl: (run) => links.withConsoleUrl(run),
    }),
    identity: { botUserId: null, botId: null, teamId: null, enterpriseId: null, botName: null },
    directory: createDirectory(),
    lookups: { inFlight: 0 },
  };
}
