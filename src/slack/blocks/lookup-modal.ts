/** The global shortcut's modal: job id, optional version id, and where to post the card. */
import type { ModalView } from '@slack/types';
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
        label: plainText('Training job id', 2000),
        hint: plainText('The number in the job’s console URL, or from /modelarts jobs.', 2000),
        element: {
          type: 'plain_text_input',
          action_id: INPUT.jobId,
          placeholder: plainText('e.g. 10', 150),
          max_length: 19,
          focus_on_load: true,
          ...(jobId ? { initial_value: jobId } : {}),
        },
      },
      {
        type: 'input',
        block_id: BLOCK.lookupVersionId,
        optional: true,
        label: plainText('Version id', 2000),
        hint: plainText('Leave empty for the latest version.', 2000),
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
