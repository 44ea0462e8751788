/** The facade the bot uses: one object per project, every endpoint as a method, ids validated before any request. */
import type { Dispatcher } from 'undici';
import type { ModelArtsAuthConfig } from '../config.js';
import { createAuthProvider } from './auth/index.js';
import {
  type CallOptions,
  type ClientOptions,
  createModelArtsClient,
  DEFAULT_TIMEOUT_MS,
  type ModelArtsClient,
} from './client.js';
import { createDefaultDispatcher } from './http.js';
import {
  getProcessorTask,
  type ListProcessorTasksQuery,
  listProcessorTasks,
  type ProcessorTask,
  type ProcessorTaskList,
} from './resources/processor-tasks.js';
import {
  type ListTrainingJobConfigsQuery,
  listTrainingJobConfigs,
  type TrainingJobConfigList,
} from './resources/training-job-configs.js';
import {
  getTaskLogPreview,
  getTaskLogUrl,
  getTrainingJobMetrics,
  type ListTrainingJobEventsQuery,
  type LogUrlContentType,
  listTrainingJobEvents,
  type TaskLogPreview,
  type TaskLogUrl,
  type TrainingJobEventList,
  type TrainingJobMetrics,
} from './resources/training-job-tasks-v2.js';
import {
  type AomLog,
  type GetAomLogQuery,
  getAomLog,
  getLogFileNames,
  getTrainingJobVersion,
  type JobVersionStatusList,
  type ListJobVersionStatusesQuery,
  type ListTrainingJobsQuery,
  type ListTrainingJobVersionsQuery,
  listJobVersionStatuses,
  listTrainingJobs,
  listTrainingJobVersions,
  type TrainingJobList,
  type TrainingJobVersion,
  type TrainingJobVersionList,
} from './resources/training-jobs.js';
import {
  getTrainingJob,
  type SearchTrainingJobsQuery,
  searchTrainingJobs,
  type TrainingJobSearch,
  type TrainingJobV2,
} from './resources/training-jobs-v2.js';
import {
  getVisualizationJob,
  type ListVisualizationJobsQuery,
  listVisualizationJobs,
  type VisualizationJob,
  type VisualizationJobList,
} from './resources/visualization-jobs.js';

export type Id = string | number;

export interface ModelArtsApi {
  readonly projectId: string;
  getTrainingJobVersion(jobId: Id, versionId: Id, options?: CallOptions): Promise<TrainingJobVersion>;
  listTrainingJobVersions(
    jobId: Id,
    query?: ListTrainingJobVersionsQuery,
    options?: CallOptions,
  ): Promise<TrainingJobVersionList>;
  /** May throw EndpointNotFoundError: the endpoint left the OTC docs in 2022 and may be switched off. */
  listJobVersionStatuses(query?: ListJobVersionStatusesQuery, options?: CallOptions): Promise<JobVersionStatusList>;
  listTrainingJobs(query?: ListTrainingJobsQuery, options?: CallOptions): Promise<TrainingJobList>;
  listTrainingJobConfigs(query?: ListTrainingJobConfigsQuery, options?: CallOptions): Promise<TrainingJobConfigList>;
  getVisualizationJob(jobId: Id, options?: CallOptions): Promise<VisualizationJob>;
  listVisualizationJobs(query?: ListVisualizationJobsQuery, options?: CallOptions): Promise<VisualizationJobList>;
  listProcessorTasks(query?: ListProcessorTasksQuery, options?: CallOptions): Promise<ProcessorTaskList>;
  getProcessorTask(taskId: string, options?: CallOptions): Promise<ProcessorTask>;
  getLogFileNames(jobId: Id, versionId: Id, options?: CallOptions): Promise<string[]>;
  getAomLog(jobId: Id, versionId: Id, query: GetAomLogQuery, options?: CallOptions): Promise<AomLog>;

  // New-version (v2) training jobs: UUID job ids, `worker-N` task ids. May throw ApiUnavailableError (api 'v2').
  /** One page of the job search (`offset` is a page index); iterateTrainingJobsV2 pages through all of them. */
  searchTrainingJobs(query?: SearchTrainingJobsQuery, options?: CallOptions): Promise<TrainingJobSearch>;
  getTrainingJob(jobId: string, options?: CallOptions): Promise<TrainingJobV2>;
  getTaskLogPreview(jobId: string, taskId: string, options?: CallOptions): Promise<TaskLogPreview>;
  /** A signed link valid about 5 minutes: never cached. */
  getTaskLogUrl(
    jobId: string,
    taskId: string,
    contentType?: LogUrlContentType,
    options?: CallOptions,
  ): Promise<TaskLogUrl>;
  listTrainingJobEvents(
    jobId: string,
    query?: ListTrainingJobEventsQuery,
    options?: CallOptions,
  ): Promise<TrainingJobEventList>;
  getTrainingJobMetrics(jobId: string, taskId: string, options?: CallOptions): Promise<TrainingJobMetrics>;
  /** Closes connection pools the API created; an injected dispatcher stays open. */
  close(): Promise<void>;
}

/** The client's options, with auth given as configuration (the facade builds the provider, sharing the pool). */
export interface ModelArtsApiOptions extends Omit<ClientOptions, 'auth' | 'userAgent'> {
  auth: ModelArtsAuthConfig;
  /** Renew IAM tokens this long before they expire (default 5 min). */
  tokenRefreshMarginMs?: number;
  /** Called with every secret obtained at run time (IAM tokens), so the logger can scrub it. */
  onSecret?: (secret: string) => void;
}

/** Wraps a client in the facade (tests and the CLI may build the client themselves). */
export function modelArtsApiFromClient(client: ModelArtsClient): ModelArtsApi {
  return {
    projectId: client.projectId,
    getTrainingJobVersion: (jobId, versionId, options) => getTrainingJobVersion(client, jobId, versionId, options),
    listTrainingJobVersions: (jobId, query, options) => listTrainingJobVersions(client, jobId, query, options),
    listJobVersionStatuses: (query, options) => listJobVersionStatuses(client, query, options),
    listTrainingJobs: (query, options) => listTrainingJobs(client, query, options),
    listTrainingJobConfigs: (query, options) => listTrainingJobConfigs(client, query, options),
    getVisualizationJob: (jobId, options) => getVisualizationJob(client, jobId, options),
    listVisualizationJobs: (query, options) => listVisualizationJobs(client, query, options),
    listProcessorTasks: (query, options) => listProcessorTasks(client, query, options),
    getProcessorTask: (taskId, options) => getProcessorTask(client, taskId, options),
    getLogFileNames: (jobId, versionId, options) => getLogFileNames(client, jobId, versionId, options),
    getAomLog: (jobId, versionId, query, options) => getAomLog(client, jobId, versionId, query, options),
    searchTrainingJobs: (query, options) => searchTrainingJobs(client, query, options),
    getTrainingJob: (jobId, options) => getTrainingJob(client, jobId, options),
    getTaskLogPreview: (jobId, taskId, options) => getTaskLogPreview(client, jobId, taskId, options),
    getTaskLogUrl: (jobId, taskId, contentType, options) => getTaskLogUrl(client, jobId, taskId, contentType, options),
    listTrainingJobEvents: (jobId, query, options) => listTrainingJobEvents(client, jobId, query, options),
    getTrainingJobMetrics: (jobId, taskId, options) => getTrainingJobMetrics(client, jobId, taskId, options),
    close: () => client.close(),
  };
}

export function createModelArtsApi(options: ModelArtsApiOptions): ModelArtsApi {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // One dispatcher for ModelArts and IAM: the Agent keeps a separate keep-alive pool per origin.
  const owned = options.dispatcher ? null : createDefaultDispatcher(timeoutMs);
  const dispatcher: Dispatcher = options.dispatcher ?? (owned as Dispatcher);
  const auth = createAuthProvider(options.auth, {
    projectId: options.projectId,
    dispatcher,
    timeoutMs,
    ...(options.now ? { now: options.now } : {}),
    ...(options.tokenRefreshMarginMs !== undefined ? { refreshMarginMs: options.tokenRefreshMarginMs } : {}),
    ...(options.onSecret ? { onSecret: options.onSecret } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  const client = createModelArtsClient({
    endpoint: options.endpoint,
    projectId: options.projectId,
    auth,
    timeoutMs,
    dispatcher,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  const api = modelArtsApiFromClient(client);
  return {
    ...api,
    async close() {
      await client.close();
      await owned?.close();
    },
  };
}
