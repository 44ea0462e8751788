/**
 * run_command: a button that stands for a `/modelarts` command ("Did you mean `/modelarts job 10`?", the help's
 * shortcuts). The value is the command text; it is parsed and run exactly as the slash command would be, and the
 * answer arrives privately beside the clicked message. A forged value can do no more than the user typing it.
 */

import { runCommandValue } from '../../blocks/action-values.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { parseCommand, subcommandOf } from '../../use-cases/parser.js';
import { problemMessage, runCommand } from '../../use-cases/run.js';
import { parseJobStatusWord } from '../../use-cases/vocabulary.js';
import { buttonHandler, decodedValue } from '../common/action.js';
import { withDeadline } from '../common/answer.js';

export function makeRunCommandHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.runCommand, async (args, ctx) => {
    const value = await decodedValue(args, ctx, runCommandValue.decode);
    if (!value) return 'user_error';
    const parsed = parseCommand(value.command, parseJobStatusWord);
    ctx.interaction.set({ subcommand: subcommandOf(parsed) });
    if (!parsed.ok) {
      await ctx.tell(problemMessage(parsed.error));
      return 'user_error';
    }
    const answer = await withDeadline(deps, (call) => runCommand(ctx.env, parsed.command, call));
    await ctx.tell(answer.message);
    return answer.outcome;
  });
}
