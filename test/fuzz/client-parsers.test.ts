/**
 * Whatever a ModelArts endpoint answers (any status, any headers, JSON of any shape, truncated or not JSON at all,
 * absurdly deep or large), every facade method either resolves with parsed data or rejects with a ModelArtsError
 * subclass: never a TypeError, a RangeError or a zod error escaping to the Slack layer. undici's MockAgent stands in
 * for the network (unit level); retries sleep for 0 ms.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ModelArtsApi, ModelArtsError } from '../../src/modelarts/index.js';
import { harness, ORIGIN } from '../modelarts/helpers.js';
import { chaos, HOSTILE } from './wire.js';

type Call = (api: ModelArtsApi) => Promise<unknown>;

const V2_ID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

const CALLS: Record<string, Call> = {
  getTrainingJobVersion: (api) => api.getTrainingJobVersion(10, 10),
  listTrainingJobVersions: (api) => api.listTrainingJobVersions(10, { page: 1, per_page: 10 }),
  listJobVersionStatuses: (api) => api.listJobVersionStatuses({ limit: 0 }),
  listTrainingJobs: (api) => api.listTrainingJobs({ per_page: 10 }),
  listTrainingJobConfigs: (api) => api.listTrainingJobConfigs({}),
  getVisualizationJob: (api) => api.getVisualizationJob(10),
  listVisualizationJobs: (api) => api.listVisualizationJobs({}),
  listProcessorTasks: (api) => api.listProcessorTasks({ limit: 10 }),
  getProcessorTask: (api) => api.getProcessorTask('ddwRJeTnjpiq4dNUZOq'),
  getLogFileNames: (api) => api.getLogFileNames(10, 10),
  getAomLog: (api) => api.getAomLog(10, 10, { log_file: 'job-0.log', lines: 50 }),
  searchTrainingJobs: (api) => api.searchTrainingJobs({ limit: 50, phases: ['Running'] }),
  getTrainingJob: (api) => api.getTrainingJob(V2_ID),
  getTaskLogPreview: (api) => api.getTaskLogPreview(V2_ID, 'worker-0'),
  getTaskLogUrl: (api) => api.getTaskLogUrl(V2_ID, 'worker-0'),
  listTrainingJobEvents: (api) => api.listTrainingJobEvents(V2_ID, { limit: 10 }),
  getTrainingJobMetrics: (api) => api.getTrainingJobMetrics(V2_ID, 'worker-0'),
};

const deep = (n: number, open: string, close: string) => `${open.repeat(n)}${close.repeat(n)}`;

const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: chaos.map((v) => JSON.stringify(v) ?? 'null') },
  {
    weight: 3,
    arbitrary: fc
      .dictionary(
        fc.constantFrom(
          'is_success',
          'error_code',
          'error_msg',
          'error_message',
          'job_id',
          'version_id',
          'status',
          'versions',
          'jobs',
          'configs',
          'tasks',
          'content',
          'start_line',
          'log_file_list',
          'total_count',
          'service_url',
          'items',
          'metadata',
          'status',
          'spec',
          'metrics',
          'events',
          'obs_url',
        ),
        chaos,
        { maxKeys: 8 },
      )
      .map((o) => JSON.stringify(o)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '{',
      '{"job_id": 10, "engine_type": , "status": 10}',
      '{"start_line": 1234567890123456789012, "end_line": 99999999999999999999, "content": "x", "lines": 1}',
      '{"is_success": false}',
      '{"is_success": "false", "error_code": "ModelArts.2775", "error_msg": "<!channel>"}',
      '{"error_code": "APIG.0308", "error_msg": "slow down"}',
      '<html><body>502 Bad Gateway</body></html>',
      deep(20_000, '[', ']'),
      deep(20_000, '{"a":', '}').replace(/}+$/, (m) => `1${m}`),
      `{"log_file_list": ${JSON.stringify(JSON.stringify(['a.log', 1, null]))}}`,
      `"${'x'.repeat(100_000)}"`,
    ),
  },
);

const response = fc.record({
  status: fc.constantFrom(200, 200, 200, 201, 204, 302, 400, 401, 403, 404, 408, 418, 429, 500, 502, 503, 504),
  contentType: fc.constantFrom('application/json', 'application/json;charset=UTF-8', 'text/plain', 'text/html', null),
  retryAfter: fc.option(fc.constantFrom('0', '1', 'Wed, 21 Oct 2015 07:28:00 GMT', 'soon', '-5', '1e9'), { nil: null }),
  body,
});

describe('response parsers', () => {
  it.each(Object.keys(CALLS))('%s resolves or rejects with a ModelArtsError, whatever the answer', async (name) => {
    const call = CALLS[name]!;
    const outcomes = { resolved: 0, typed: 0 };
    await fc.assert(
      fc.asyncProperty(response, async (r) => {
        const h = harness({ retry: { maxAttempts: 2, maxRetryAfterMs: 0 } });
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.retryAfter) headers['retry-after'] = r.retryAfter;
        h.pool
          .intercept({ path: () => true, method: () => true })
          .reply(r.status, r.body, { headers })
          .persist();
        try {
          await call(h.api);
          outcomes.resolved++;
        } catch (err) {
          if (!(err instanceof ModelArtsError)) throw err;
          expect(typeof err.userMessage).toBe('string');
          expect(err.userMessage.length).toBeGreaterThan(0);
          // Upstream text may be quoted in it; the Slack layer escapes it (test/fuzz/command-path checks that).
          outcomes.typed++;
        } finally {
          await h.api.close();
          await h.agent.close();
        }
        // Every request stayed on the mocked origin.
        for (const c of h.calls()) expect(c.fullUrl.startsWith(ORIGIN)).toBe(true);
      }),
      { numRuns: 60 },
    );
    expect(outcomes.typed).toBeGreaterThan(0);
  });
});
