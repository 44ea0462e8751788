/** Pure Block Kit renderers: domain data (runs, watches) or API data plus a RenderContext in, Slack payloads out. No I/O, no clock. */

export type {
  ConfigsPageValue,
  JobRefValue,
  JobsPageValue,
  LinkKind,
  RunCommandValue,
  ShareValue,
  TaskDetailsValue,
  TaskFilters,
  TasksPageValue,
  UnwatchValue,
  ValueCodec,
  VizPageValue,
} from './action-values.js';
export {
  configsPageValue,
  jobRefValue,
  jobsPageValue,
  linkActionId,
  OPEN_LINK_ACTION,
  runCommandValue,
  shareValue,
  taskDetailsValue,
  tasksPageValue,
  unwatchValue,
  vizPageValue,
} from './action-values.js';
export type { OpsNotice } from './alerts.js';
export {
  alertMetadata,
  renderAlertCard,
  renderOpsNotice,
  renderProjectFailure,
  renderTerminalReply,
} from './alerts.js';
export type { ConfigsOptions } from './configs.js';
export { CONFIGS_MAX_PAGE_SIZE, CONFIGS_PAGE_SIZE, renderConfigs } from './configs.js';
export { canWatch, hasLogs, logsButton, reasonLine, reasonText, runFailure } from './failure.js';
export { renderFloodSummary } from './flood.js';
export type { HelpOptions } from './help.js';
export { renderErrorMessage, renderHelp } from './help.js';
export type { HomeModel } from './home.js';
export { renderHome } from './home.js';
export type { JobCardOptions } from './job-card.js';
export { renderRunCard, renderUnfurl } from './job-card.js';
export type { JobsOverviewOptions } from './jobs-overview.js';
export {
  acceleratorsInUse,
  JOBS_MAX_PAGE_SIZE,
  JOBS_PAGE_SIZE,
  renderJobsOverview,
} from './jobs-overview.js';
export { actionMatcher, runButton } from './kit.js';
export { assertWithinLimits, BlockLimitError, blocksTextLength, checkLimits, LIMITS } from './limits.js';
export type { LogsModalInput } from './logs-modal.js';
export { LOGS_MODAL_LINES, renderLogsLoading, renderLogsModal, renderLogsProblem } from './logs-modal.js';
export type { LookupModalOptions } from './lookup-modal.js';
export { renderLookupModal } from './lookup-modal.js';
export type { PickListModel } from './pick-list.js';
export { PICK_LIST_MAX, renderPickList } from './pick-list.js';
export type { TasksOptions } from './tasks.js';
export { renderProcessorTask, renderProcessorTasks, TASKS_MAX_PAGE_SIZE, TASKS_PAGE_SIZE } from './tasks.js';
export type { Message, RenderContext } from './types.js';
export type { VisualizationJobsOptions } from './visualization.js';
export { renderVisualizationJob, renderVisualizationJobs, VIZ_MAX_PAGE_SIZE, VIZ_PAGE_SIZE } from './visualization.js';
export { describeWatchTarget, renderWatches } from './watches.js';
