/**
 * Job cards are rendered once per answer, viewer time zone, card options and second: the read cache hands everyone
 * the same answer object, and the renderer is pure. Anything that changes the card renders it again.
 */
import { describe, expect, it } from 'vitest';
import type { ModelArtsApi, TrainingJobVersion } from '../../../src/modelarts/index.js';
import { runFromV1Version } from '../../../src/modelarts/index.js';
import { renderRunCard } from '../../../src/slack/blocks/index.js';
import { jobCard } from '../../../src/slack/use-cases/lookups.js';
import { fakeAppDeps } from '../../support/app-fakes.js';
import { ctxAt, docVersion } from '../blocks/fixtures.js';

function depsAnswering(answer: () => TrainingJobVersion) {
  const modelarts = {
    projectId: 'p1',
    getTrainingJobVersion: () => Promise.resolve(answer()),
    listVisualizationJobs: () => Promise.resolve({ job_total_count: 0, job_count_limit: 10, jobs: [] }),
  } as unknown as ModelArtsApi;
  return fakeAppDeps({ modelarts });
}

const call = () => ({ signal: new AbortController().signal, timeoutMs: 5_000 });
const options = { ephemeral: true };

describe('job card rendering per answer', () => {
  it('reuses the card for the same answer, zone, options and second; renders again when any of them changes', async () => {
    const version: TrainingJobVersion = { ...docVersion };
    const deps = depsAnswering(() => version);
    const at = (iso: string, timeZone = 'UTC') => ctxAt(iso, { timeZone });
    const first = await jobCard(deps, at('2019-07-15T09:35:00.100Z'), '10', '10', call(), options);
    expect(first).toEqual(
      renderRunCard(deps.consoleLinks.withConsoleUrl(runFromV1Version(version)), at('2019-07-15T09:35:00.100Z'), {
        tensorboardUrl: null,
        ephemeral: true,
      }),
    );
    expect(await jobCard(deps, at('2019-07-15T09:35:00.900Z'), '10', '10', call(), options)).toBe(first);
    expect(await jobCard(deps, at('2019-07-15T09:35:01.000Z'), '10', '10', call(), options)).not.toBe(first);
    const berlin = await jobCard(deps, at('2019-07-15T09:35:01.000Z', 'Europe/Berlin'), '10', '10', call(), options);
    expect(JSON.stringify(berlin)).not.toEqual(JSON.stringify(first));
    const shared = await jobCard(deps, at('2019-07-15T09:35:01.000Z'), '10', '10', call(), { ephemeral: false });
    expect(JSON.stringify(shared)).not.toContain('"action_id":"share"');
  });

  it('renders a new answer, even within the same second', async () => {
    let version: TrainingJobVersion = { ...docVersion, status: 8 };
    const deps = depsAnswering(() => version);
    const ctx = ctxAt('2019-07-15T09:35:00Z');
    const running = await jobCard(deps, ctx, '10', '10', call(), options);
    version = { ...docVersion, status: 10 };
    const completed = await jobCard(deps, ctx, '10', '10', call(), options);
    expect(completed).not.toBe(running);
    expect(completed.text).not.toEqual(running.text);
  });
});
