/**
 * job_logs: the Logs button on a run's card, alert or unfurl opens a modal with the end of the run's log. The
 * trigger_id lives 3 seconds and the log may take longer, so a "reading" modal opens at once and is replaced by the
 * log, or by the sentence saying why there is none.
 */
import type { ModalView } from '@slack/types';
import { logTask, readLogTail, refParts } from '../../../modelarts/index.js';
import { jobRefValue } from '../../blocks/action-values.js';
import { renderLogsLoading, renderLogsModal, renderLogsProblem } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { classifyError, type Outcome } from '../../errors.js';
import { ACTION } from '../../ids.js';
import { fetchRun, LOOKUP_LOG_LINES } from '../../use-cases/lookups.js';
import { buttonHandler, decodedValue } from '../common/action.js';
import { withDeadline } from '../common/answer.js';

export function makeJobLogsHandler(deps: AppDeps) {
  const sentenceFor = (err: unknown) =>
    classifyError(err, { projectId: deps.projectId, botName: deps.identity.botName }, deps.logger);
  return buttonHandler(deps, ACTION.jobLogs, async (args, ctx) => {
    const ref = await decodedValue(args, ctx, jobRefValue.decode);
    if (!ref) return 'user_error';
    ctx.interaction.set({ subcommand: 'logs' });
    const opened = await args.client.views.open({ trigger_id: args.body.trigger_id, view: renderLogsLoading() });
    const viewId = opened.view?.id;
    if (!viewId) return 'internal_error';
    let view: ModalView;
    let outcome: Outcome = 'ok';
    try {
      view = await withDeadline(deps, async (call) => {
        const { jobId, versionId } = refParts(ref);
        const run = await fetchRun(deps, jobId, versionId, call);
        try {
          // The page the card's reason came from: the read cache answers it.
          const task = logTask(run);
          return renderLogsModal({
            run,
            lines: await readLogTail(deps.modelarts, run.ref, LOOKUP_LOG_LINES, call, task),
          });
        } catch (err) {
          return renderLogsModal({ run, lines: null, error: sentenceFor(err).sentence });
        }
      });
    } catch (err) {
      const classified = sentenceFor(err);
      outcome = classified.outcome;
      view = renderLogsProblem(classified.sentence);
    }
    await args.client.views.update({ view_id: viewId, view });
    return outcome;
  });
}
