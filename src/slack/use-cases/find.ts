/**
 * `/modelarts job NAME` and `/modelarts watch NAME`: a job named by its name, or the start of it, across both training
 * APIs. One match is shown (or watched) as if its id had been typed; several get a pick list; none, the names that
 * contain the text, or a sentence saying where to find the names.
 */
import { type JobRun, refParts } from '../../modelarts/index.js';
import type { WatchFilter, WatchTarget } from '../../store/types.js';
import { renderPickList } from '../blocks/index.js';
import { type Answer, UserFacingError, withUserErrors } from '../errors.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type CommandEnv, renderContext } from './context.js';
import { jobCard } from './lookups.js';
import { type ParsedCommand, USAGE } from './parser.js';
import { startWatch, watchStartedMessage } from './watches.js';

export type FindCommand = Extract<ParsedCommand, { kind: 'find' }>;

/** What a watch on a found run watches: a v2 job is one run; a v1 job is watched as a job (every version). */
export function watchTargetOf(run: JobRun): WatchTarget {
  return run.ref.api === 'v2'
    ? { kind: 'run', jobId: run.ref.jobId, versionId: null }
    : { kind: 'job', jobId: run.ref.jobId };
}

/** The filter word as typed back into a command (null for the default). */
function filterWord(filter: WatchFilter): string | null {
  return filter === 'default' ? null : filter;
}

export function runFind(env: CommandEnv, cmd: FindCommand, call: CallOptions): Promise<Answer> {
  const { deps } = env;
  const context = { projectId: deps.projectId, subject: { kind: 'none' } as const, usage: USAGE[cmd.action] };
  return withUserErrors(context, deps.logger, async () => {
    const found = await deps.training.findRunsByName(cmd.name, call);
    const only = found.matches.length === 1 ? found.matches[0] : undefined;
    if (only?.ref) {
      if (cmd.action === 'watch') {
        const target = watchTargetOf(only as JobRun);
        const [start, ctx] = await Promise.all([startWatch(env, target, cmd.filter, call), renderContext(env)]);
        return watchStartedMessage(start, target, cmd.filter, ctx);
      }
      const { jobId, versionId } = refParts(only.ref);
      return jobCard(deps, renderContext(env), jobId, versionId, call, { ephemeral: true });
    }
    if (found.matches.length === 0 && found.near.length === 0) {
      throw new UserFacingError(
        `No training job named \`${cmd.name}\` in project ${deps.projectId}. \`/modelarts jobs\` lists the jobs with their names and ids.`,
      );
    }
    return renderPickList(
      {
        name: cmd.name,
        matches: found.matches,
        near: found.near,
        action: cmd.action,
        filterWord: filterWord(cmd.filter),
      },
      await renderContext(env),
    );
  });
}
