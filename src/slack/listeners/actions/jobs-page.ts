/** Previous/Next on the jobs overview: the page and status words travel in the button's value. */

import { jobsPageValue } from '../../blocks/action-values.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { parseJobStatusWord } from '../../use-cases/vocabulary.js';
import { buttonHandler, decodedValue, rerunLookup } from '../common/action.js';

/** Status words back to codes; a word that no longer parses makes the button stale. */
export function statusCodes(words: readonly string[]): number[] | null {
  const codes = new Set<number>();
  for (const word of words) {
    const parsed = parseJobStatusWord(word);
    if (!parsed || parsed.length === 0) return null;
    for (const c of parsed) codes.add(c);
  }
  return [...codes].sort((a, b) => a - b);
}

export function makeJobsPageHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.jobsPage, async (args, ctx) => {
    const cmd = await decodedValue(args, ctx, (raw) => {
      const value = jobsPageValue.decode(raw);
      const statuses = value ? statusCodes(value.statusFilter) : null;
      return value && statuses
        ? ({ kind: 'jobs', statuses, statusWords: value.statusFilter, page: value.page } as const)
        : null;
    });
    if (!cmd) return 'user_error';
    ctx.interaction.set({ subcommand: 'jobs' });
    return rerunLookup(args, ctx, cmd);
  });
}
