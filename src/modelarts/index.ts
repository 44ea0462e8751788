/** Public surface of the ModelArts API layer. Other modules import from here only. */

export { DEFAULT_MAX_RESPONSE_BYTES } from '../config.js';
export type { Id, ModelArtsApi, ModelArtsApiOptions } from './api.js';
export { createModelArtsApi, modelArtsApiFromClient } from './api.js';
export type { AvailabilityOptions, TrainingApiAvailability } from './api-availability.js';
export { createTrainingApiAvailability } from './api-availability.js';
export type {
  AkSkProviderOptions,
  AuthProvider,
  IamTokenProvider,
  IamTokenProviderOptions,
  ParsedAuthorization,
  SignableRequest,
  SignatureResult,
  SigningCredentials,
  VerifyResult,
} from './auth/index.js';
export {
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  createAkSkProvider,
  createAuthProvider,
  createIamTokenProvider,
  createStaticTokenProvider,
  formatSdkDate,
  parseAuthorizationHeader,
  signRequest,
  stringToSign,
  verifyRequestSignature,
} from './auth/index.js';
export type {
  CallOptions,
  ClientOptions,
  LoggerLike,
  ModelArtsClient,
  PostSpec,
  RequestEvent,
  RequestSpec,
  RetryOptions,
} from './client.js';
export { createModelArtsClient, DEFAULT_TIMEOUT_MS } from './client.js';
export type { Cloud, ConsoleLinkOptions, ConsoleLinks, LinkedJob } from './console-links.js';
export { consoleLinks, endpointCloud, fillTemplate, parseConsoleLink } from './console-links.js';
export type { AvailabilityRule } from './error-mapping.js';
export { errorFromResponse, isRetryableError } from './error-mapping.js';
export type { ApiErrorInit, IdKind, TrainingApi } from './errors.js';
export {
  ApiError,
  ApiUnavailableError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  EndpointNotFoundError,
  InvalidIdError,
  isApiUnavailable,
  ModelArtsError,
  NotFoundError,
  PermissionDeniedError,
  ProjectMismatchError,
  RateLimitError,
  ResponseParseError,
  ResponseTooLargeError,
  ServerError,
  TimeoutError,
} from './errors.js';
export {
  EXCERPT_MAX_LINES,
  exitCodeMeaning,
  failureFromLog,
  findLogError,
  knownFailure,
  type LogError,
  neverStarted,
  statusFailure,
} from './failure-reason.js';
export {
  engineLabel,
  listedFromV1StatusRow,
  runFromV1JobSummary,
  runFromV1StatusRow,
  runFromV1Version,
  runsFromV1VersionList,
} from './from-v1.js';
export { runFromV2Job, usageFromV2Metrics, v2Failure } from './from-v2.js';
export {
  validateDatasetId,
  validateId,
  validateJobId,
  validateTaskId,
  validateTrainingJobId,
  validateTrainingTaskId,
  validateVersionId,
} from './ids.js';
export type {
  Accelerators,
  JobRun,
  ListedRun,
  RunFailure,
  RunLocation,
  RunMetricValues,
  RunModelMetrics,
  RunParameter,
  RunRef,
  RunResources,
  RunStatus,
  RunUsage,
  TrainingApiVersion,
  UnnamedRun,
} from './job-run.js';
export {
  emptyResources,
  emptyRun,
  fillRun,
  isV2JobId,
  listedIds,
  refFromParts,
  refParts,
  runKey,
  sameRun,
  statusFromKey,
  V2_ACTIVE_PHASES,
  V2_PHASES,
  v1Status,
  v2Status,
} from './job-run.js';
export type { ListAnswer } from './lenient.js';
export type { Page, PagingOptions, SearchPage } from './pagination.js';
export {
  collect,
  iterateJobVersionStatuses,
  iterateProcessorTasks,
  iterateTrainingJobConfigs,
  iterateTrainingJobs,
  iterateTrainingJobsV2,
  iterateTrainingJobVersions,
  iterateVisualizationJobs,
  paginateOffset,
  paginatePageIndex,
  paginatePages,
  paginateSearch,
} from './pagination.js';
export type { ReadCacheOptions, ReadResult } from './read-cache.js';
export { withReadCache } from './read-cache.js';
export type {
  ListProcessorTasksQuery,
  ProcessorDataSource,
  ProcessorTask,
  ProcessorTaskList,
  ProcessorTaskType,
} from './resources/processor-tasks.js';
export type {
  ListTrainingJobConfigsQuery,
  TrainingJobConfig,
  TrainingJobConfigList,
} from './resources/training-job-configs.js';
export type {
  EventLevel,
  ListTrainingJobEventsQuery,
  LogUrlContentType,
  TaskLogPreview,
  TaskLogUrl,
  TrainingJobEvent,
  TrainingJobEventList,
  TrainingJobMetrics,
} from './resources/training-job-tasks-v2.js';
export type {
  AomLog,
  GetAomLogQuery,
  JobVersionStatus,
  JobVersionStatusList,
  ListJobVersionStatusesQuery,
  ListTrainingJobsQuery,
  ListTrainingJobVersionsQuery,
  MetricValues,
  ModelMetrics,
  SortOrder,
  SystemMetrics,
  TrainingJobList,
  TrainingJobSummary,
  TrainingJobVersion,
  TrainingJobVersionList,
} from './resources/training-jobs.js';
export { normaliseModelMetrics, normaliseSystemMetrics } from './resources/training-jobs.js';
export type {
  SearchFilter,
  SearchOperator,
  SearchTrainingJobsQuery,
  TrainingJobPhase,
  TrainingJobSearch,
  TrainingJobV2,
} from './resources/training-jobs-v2.js';
export { MAX_SEARCH_LIMIT, TRAINING_JOB_PHASES } from './resources/training-jobs-v2.js';
export type {
  ListVisualizationJobsQuery,
  VisualizationJob,
  VisualizationJobList,
} from './resources/visualization-jobs.js';
export { failedWithLog, LOG_LINES_MAX, logTask, readLogTail, withLogFailure } from './run-log.js';
export type { StatusCategory, StatusInfo } from './statuses.js';
export {
  CATEGORY_EMOJI,
  isTerminalTrainingStatus,
  PROCESSOR_TASK_STATUSES,
  parseStatusWord,
  processorTaskStatus,
  statusCodesForCategory,
  TRAINING_JOB_STATUSES,
  trainingJobStatus,
} from './statuses.js';
export type {
  NameMatches,
  RunFilter,
  RunList,
  TrainingService,
  TrainingServiceOptions,
} from './training-service.js';
export {
  ANY_RUN,
  createTrainingService,
  refForIds,
  TrainingApiOffError,
  v2PhasesOf,
} from './training-service.js';
