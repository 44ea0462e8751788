import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consoleLinks } from '../../../src/modelarts/index.js';
import { findJobReference } from '../../../src/slack/use-cases/job-refs.js';

const TEMPLATE = consoleLinks({
  endpoint: 'https://modelarts.eu-de.otc.t-systems.com',
  projectId: 'p1',
  v1Template:
    'https://console.example.com/modelarts/?region={region}#/trainingJobs/details/{job_id}?versionId={version_id}',
}).parse;
const UUID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

describe('findJobReference', () => {
  it('prefers our message metadata', () => {
    const ref = findJobReference(
      {
        text: 'job 1 version 2',
        metadata: { event_type: 'modelarts_job_version', event_payload: { job_id: '10', version_id: '12' } },
      },
      TEMPLATE,
    );
    expect(ref).toEqual({ jobId: '10', versionId: '12', source: 'metadata' });
  });

  it('reads our button values', () => {
    const ref = findJobReference(
      {
        text: 'card',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'hello' } },
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: 'share', value: '{"c":"job","j":10}' },
              { type: 'button', action_id: 'job_refresh', value: '{"j":10,"v":11}' },
            ],
          },
        ],
      },
      TEMPLATE,
    );
    expect(ref).toEqual({ jobId: '10', versionId: '11', source: 'button' });
  });

  it('reads console links in text and blocks', () => {
    expect(
      findJobReference(
        { text: 'see <https://console.example.com/modelarts/?region=x#/trainingJobs/details/5?versionId=6|this run>' },
        TEMPLATE,
      ),
    ).toEqual({ jobId: '5', versionId: '6', source: 'link' });
    expect(
      findJobReference(
        {
          blocks: [
            {
              type: 'actions',
              elements: [
                {
                  type: 'button',
                  url: 'https://console.example.com/modelarts/?region=x#/trainingJobs/details/9?versionId=1',
                },
              ],
            },
          ],
        },
        TEMPLATE,
      ),
    ).toEqual({ jobId: '9', versionId: '1', source: 'link' });
  });

  it('reads plain text mentions', () => {
    expect(findJobReference({ text: 'can someone look at job 123 version 4?' }, TEMPLATE)).toEqual({
      jobId: '123',
      versionId: '4',
      source: 'text',
    });
    expect(findJobReference({ text: 'TestJob (job 10, version 10) finished' }, TEMPLATE)).toMatchObject({
      jobId: '10',
      versionId: '10',
    });
    expect(findJobReference({ text: '*Job ID:* 77' }, TEMPLATE)).toEqual({
      jobId: '77',
      versionId: null,
      source: 'text',
    });
    expect(findJobReference({ text: 'the jobs are fine' }, TEMPLATE)).toBeNull();
    expect(findJobReference({}, TEMPLATE)).toBeNull();
  });

  it('finds v2 jobs (UUIDs, never with a version) in our metadata, buttons and console links', () => {
    expect(
      findJobReference(
        { metadata: { event_type: 'modelarts_job_version', event_payload: { job_id: UUID } } },
        TEMPLATE,
      ),
    ).toEqual({ jobId: UUID, versionId: null, source: 'metadata' });
    const buttons = [
      { type: 'button', action_id: 'job_refresh', value: '{"j":10}' },
      { type: 'button', action_id: 'job_watch', value: `{"j":"${UUID}"}` },
    ];
    expect(findJobReference({ blocks: [{ type: 'actions', elements: buttons }] }, TEMPLATE)).toEqual({
      jobId: UUID,
      versionId: null,
      source: 'button',
    });
    expect(
      findJobReference(
        { text: `<https://console.huaweicloud.com/modelarts/?region=cn-north-4#/training/detail/${UUID}|bert>` },
        TEMPLATE,
      ),
    ).toEqual({ jobId: UUID, versionId: null, source: 'link' });
  });

  it('never throws on arbitrary messages', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (blocks, text) => {
        findJobReference({ blocks, text }, TEMPLATE);
      }),
    );
  });
});
