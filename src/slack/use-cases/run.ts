/**
 * Runs one parsed `/modelarts` command to an answer. Help and parse problems need no I/O; everything else goes
 * through the lookups or the watch logic. Never rejects.
 */
import { type Message, renderHelp } from '../blocks/index.js';
import type { Answer } from '../errors.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type CommandEnv, renderContext } from './context.js';
import { runFind } from './find.js';
import { runLookup } from './lookups.js';
import type { ParsedCommand, ParseProblem } from './parser.js';
import { runUnwatch, runWatch, runWatches } from './watches.js';

/** The general help never changes: rendered once (it is also what an empty `/modelarts` answers). */
let generalHelp: Message | undefined;

export function helpMessage(topic: ParsedCommand & { kind: 'help' }): Message {
  if (topic.topic) return renderHelp({ topic: topic.topic });
  generalHelp ??= renderHelp();
  return generalHelp;
}

export function problemMessage(problem: ParseProblem): Message {
  return renderHelp({
    problem: problem.problem,
    ...(problem.usage ? { usage: problem.usage } : {}),
    ...(problem.suggestion ? { suggestion: problem.suggestion } : {}),
  });
}

export function runCommand(env: CommandEnv, cmd: ParsedCommand, call: CallOptions): Promise<Answer> {
  switch (cmd.kind) {
    case 'help':
      return Promise.resolve({ message: helpMessage(cmd), outcome: 'ok' });
    case 'jobs':
    case 'job':
    case 'configs':
    case 'viz':
    case 'tasks':
      return runLookup(env.deps, renderContext(env), cmd, call, { ephemeral: true });
    case 'watch':
      return runWatch(env, cmd.target, cmd.filter, call);
    case 'unwatch':
      return runUnwatch(env, cmd.target, call);
    case 'watches':
      return runWatches(env);
    case 'find':
      return runFind(env, cmd, call);
  }
}
