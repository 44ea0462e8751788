/** The global shortcut's modal: the job (searched by name or id), optional version id, and where to show the card. */
import type { ModalView, PlainTextOption } from '@slack/types';
import { BLOCK, CALLBACK, INPUT } from '../ids.js';
import { isChannelId, plainText } from '../mrkdwn.js';

export interface LookupModalOptions {
  /** Preselects this conversation (e.g. where a message shortcut was used). */
  initialChannelId?: string | null;
  /** Prefills the fields (e.g. after a submission was rejected and the modal is rebuilt). */
  jobId?: string | null;
  versionId?: string | null;
  /** Offer channels shared with other organisations (ALLOW_SHARED_CHANNELS); default no. */
  allowSharedChannels?: boolean;
}

const digits = (v: string | null | undefined): string | null =>
  typeof v === 'string' && /^\d{1,19}$/.test(v.trim()) ? v.trim() : null;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A job id as typed: a v1 job's digits, or a v2 job's UUID (lowered); null for anything else. */
function jobIdOf(v: string): string | null {
  const t = v.trim().toLowerCase();
  return digits(t) ?? (UUID.test(t) ? t : null);
}

export function renderLookupModal(opts: LookupModalOptions = {}): ModalView {
  const jobId = digits(opts.jobId);
  const versionId = digits(opts.versionId);
  const channel = isChannelId(opts.initialChannelId) ? opts.initialChannelId : null;
  return {
    type: 'modal',
    callback_id: CALLBACK.lookupModal,
    title: plainText('Look up a job', 24),
    submit: plainText('Look up', 24),
    close: plainText('Cancel', 24),
    blocks: [
      {
        type: 'input',
        block_id: BLOCK.lookupJobId,
        label: plainText('Training job', 2000),
        hint: plainText(
          'Type part of the job’s name, or its id: a number (old-version job) or a UUID (new-version job).',
          2000,
        ),
        // Options load from ModelArts as the user types (app.options): names are searchable, ids still work.
        element: {
          type: 'external_select',
          action_id: INPUT.jobId,
          placeholder: plainText('e.g. resnet or 10', 150),
          min_query_length: 1,
          focus_on_load: true,
          ...(jobId ? { initial_option: { text: plainText(`job ${jobId}`, 75), value: jobId } } : {}),
        },
      },
      {
        type: 'input',
        block_id: BLOCK.lookupVersionId,
        optional: true,
        label: plainText('Version id', 2000),
        hint: plainText('Old-version jobs only. Leave empty for the latest version.', 2000),
        element: {
          type: 'plain_text_input',
          action_id: INPUT.versionId,
          placeholder: plainText('latest', 150),
          max_length: 19,
          ...(versionId ? { initial_value: versionId } : {}),
        },
      },
      {
        type: 'input',
        block_id: BLOCK.lookupConversation,
        label: plainText('Show the card in', 2000),
        hint: plainText(
          'Only you see the card; its Share button posts it there. Only channels you are in can be chosen.',
          2000,
        ),
        element: {
          type: 'conversations_select',
          action_id: INPUT.conversation,
          default_to_current_conversation: true,
          response_url_enabled: true,
          // A hint for the picker (the submission checks again): channels only, not shared outside the workspace.
          filter: {
            include: ['public', 'private'],
            exclude_bot_users: true,
            exclude_external_shared_channels: opts.allowSharedChannels !== true,
          },
          ...(channel ? { initial_conversation: channel } : {}),
        },
      },
    ],
  };
}

/** A job the search found: its id and name as ModelArts lists them. */
export interface JobChoice {
  jobId: string;
  name: string | null;
  versionCount: number | null;
}

/** Slack shows at most 100 options; a typed id comes first, then the name matches. */
export const MAX_JOB_OPTIONS = 100;

/**
 * The options of the job picker for what the user typed. Plain text (Slack does not render mrkdwn here), cut to
 * Slack's 75 characters; the value is the job id, all the submission needs.
 */
export function jobOptions(query: string, jobs: readonly JobChoice[]): PlainTextOption[] {
  const typedId = jobIdOf(query);
  const seen = new Set<string>();
  const options: PlainTextOption[] = [];
  const add = (jobId: string, label: string) => {
    if (seen.has(jobId) || options.length >= MAX_JOB_OPTIONS || jobIdOf(jobId) !== jobId) return;
    seen.add(jobId);
    options.push({ text: plainText(label, 75), value: jobId });
  };
  // A UUID would fill most of the 75 characters: its first block tells jobs apart, the value carries the whole id.
  const shownId = (jobId: string) => (UUID.test(jobId) ? `${jobId.slice(0, 8)}…` : jobId);
  const named = (j: JobChoice) => {
    const versions = j.versionCount && j.versionCount > 1 ? ` · ${j.versionCount} versions` : '';
    const name = j.name ? j.name.replace(/\s+/g, ' ').slice(0, 50) : null;
    return name ? `${name} · job ${shownId(j.jobId)}${versions}` : `job ${shownId(j.jobId)}${versions}`;
  };
  const exact = typedId ? jobs.find((j) => j.jobId === typedId) : undefined;
  if (typedId) add(typedId, exact ? named(exact) : `job ${shownId(typedId)}`);
  for (const j of jobs) add(j.jobId, named(j));
  return options;
}
