import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSOLE_JOB_URL } from '../../../src/config.js';
import { consoleJobUrl, findJobReference, parseConsoleLink, regionOf } from '../../../src/slack/use-cases/job-refs.js';

const TEMPLATE =
  'https://console.example.com/modelarts/?region={region}#/trainingJobs/details/{job_id}?versionId={version_id}';

describe('console links', () => {
  it('derives the region from the endpoint', () => {
    expect(regionOf('https://modelarts.eu-de.otc.t-systems.com')).toBe('eu-de');
    expect(regionOf('https://modelarts.cn-north-4.myhuaweicloud.com')).toBe('cn-north-4');
    expect(regionOf('http://127.0.0.1:8080')).toBe('');
    expect(regionOf('not a url')).toBe('');
  });

  it('fills the template and reads it back', () => {
    const url = consoleJobUrl(TEMPLATE, { region: 'eu-de', projectId: 'p1', jobId: 42, versionId: '7' });
    expect(url).toBe('https://console.example.com/modelarts/?region=eu-de#/trainingJobs/details/42?versionId=7');
    expect(parseConsoleLink(url, TEMPLATE)).toEqual({ jobId: '42', versionId: '7' });
  });

  it('reads the known console routes whatever the template', () => {
    expect(
      parseConsoleLink(
        'https://console.huaweicloud.com/modelarts/?region=ap-southeast-1#/trainingJobs/details/123',
        DEFAULT_CONSOLE_JOB_URL,
      ),
    ).toEqual({ jobId: '123', versionId: null });
    expect(
      parseConsoleLink(
        'https://console.otc.t-systems.com/modelarts/?region=eu-de&locale=en-us#/training/detail/55?versionId=9',
        DEFAULT_CONSOLE_JOB_URL,
      ),
    ).toEqual({ jobId: '55', versionId: '9' });
    expect(
      parseConsoleLink(
        'https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs?jobId=8&version_id=3',
        DEFAULT_CONSOLE_JOB_URL,
      ),
    ).toEqual({ jobId: '8', versionId: '3' });
  });

  it('ignores links that are not ModelArts job links', () => {
    expect(
      parseConsoleLink('https://console.otc.t-systems.com/modelarts/#/trainingJobs', DEFAULT_CONSOLE_JOB_URL),
    ).toBe(null);
    expect(parseConsoleLink('https://evil.example.com/modelarts/#/trainingJobs/details/1', TEMPLATE)).toBe(null);
    expect(parseConsoleLink('https://console.otc.t-systems.com/iam/#/detail/5', DEFAULT_CONSOLE_JOB_URL)).toBe(null);
    expect(parseConsoleLink('javascript:alert(1)', TEMPLATE)).toBe(null);
    expect(parseConsoleLink('https://console.otc.t-systems.com/modelarts/%E0%A4%A', DEFAULT_CONSOLE_JOB_URL)).toBe(
      null,
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (url, template) => {
        const r = parseConsoleLink(url, template);
        if (r) expect(r.jobId).toMatch(/^\d+$/);
      }),
    );
  });
});

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

  it('never throws on arbitrary messages', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (blocks, text) => {
        findJobReference({ blocks, text }, TEMPLATE);
      }),
    );
  });
});
