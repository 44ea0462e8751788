/**
 * Every Slack callback_id, action_id and block_id the app uses: renderers and listeners import them from here,
 * so a renamed id cannot leave a button without a listener.
 */

export const CALLBACK = {
  /** Global shortcut "Look up a ModelArts job". */
  lookupShortcut: 'modelarts_lookup',
  /** Message shortcut "Watch this ModelArts job". */
  watchMessageShortcut: 'modelarts_watch_message',
  /** The modal the lookup shortcut opens. */
  lookupModal: 'modelarts_lookup_modal',
} as const;

export const ACTION = {
  jobsPage: 'jobs_page',
  configsPage: 'configs_page',
  tasksPage: 'tasks_page',
  vizPage: 'viz_page',
  /** A button that runs a `/modelarts` command (a suggestion, a help shortcut); the value is the command text. */
  runCommand: 'run_command',
  /** Details of one data processing task. */
  taskDetails: 'task_details',
  jobRefresh: 'job_refresh',
  /** Details on a list row: the run card, beside the list (the same lookup as Refresh, never replacing the list). */
  jobDetails: 'job_refresh:details',
  /** Refresh on a running job's alert card: the card is re-rendered from ModelArts in place, watch and all. */
  alertRefresh: 'job_refresh:card',
  jobWatch: 'job_watch',
  /** Opens a run's log in a modal. */
  jobLogs: 'job_logs',
  share: 'share',
  unwatch: 'unwatch',
  /** Unwatch someone else's watch, clicked in the question `/modelarts unwatch` asks first (`unwatch:confirmed`). */
  unwatchConfirmed: 'unwatch:confirmed',
  homeRefresh: 'home_refresh',
  /** URL buttons (TensorBoard, console, logs) still send block_actions; the app acks them and does nothing. */
  openLink: 'open_link',
  /** Overflow menu on cards (e.g. copy ids, open console). */
  cardOverflow: 'card_overflow',
} as const;

export const BLOCK = {
  lookupJobId: 'lookup_job_id',
  lookupVersionId: 'lookup_version_id',
  lookupConversation: 'lookup_conversation',
} as const;

/** action_ids inside the lookup modal's input blocks. */
export const INPUT = {
  jobId: 'job_id_input',
  versionId: 'version_id_input',
  conversation: 'conversation_input',
} as const;

export type ActionId = (typeof ACTION)[keyof typeof ACTION];
