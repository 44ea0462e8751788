import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consoleLinks, endpointCloud, parseConsoleLink } from '../../src/modelarts/console-links.js';
import { emptyRun, v2Status } from '../../src/modelarts/job-run.js';

const UUID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';
const OTC = 'https://modelarts.eu-de.otc.t-systems.com';
const HUAWEI = 'https://modelarts.ap-southeast-1.myhuaweicloud.com';
const v1 = { api: 'v1', jobId: '10', versionId: '12' } as const;
const v2 = { api: 'v2', jobId: UUID } as const;

describe('console links', () => {
  it('tells the cloud and region from the endpoint host', () => {
    expect(endpointCloud(OTC)).toEqual({ cloud: 'otc', region: 'eu-de' });
    expect(endpointCloud(HUAWEI)).toEqual({ cloud: 'huawei', region: 'ap-southeast-1' });
    expect(endpointCloud('https://modelarts.cn-north-4.myhuaweicloud.com/')).toEqual({
      cloud: 'huawei',
      region: 'cn-north-4',
    });
    expect(endpointCloud('http://127.0.0.1:9000')).toEqual({ cloud: null, region: null });
    expect(endpointCloud('not a url')).toEqual({ cloud: null, region: null });
  });

  it('links a v1 job version and a v2 job on OTC', () => {
    const links = consoleLinks({ endpoint: OTC, projectId: 'p1' });
    expect(links.runUrl(v1)).toBe(
      'https://console.otc.t-systems.com/modelarts/?region=eu-de&locale=en-us#/trainingJobs/details/10?versionId=12',
    );
    expect(links.runUrl(v2)).toBe(
      `https://console.otc.t-systems.com/modelarts/?region=eu-de&locale=en-us#/training/detail/${UUID}`,
    );
  });

  it('links to the Huawei Cloud console for a Huawei endpoint', () => {
    const links = consoleLinks({ endpoint: HUAWEI, projectId: 'p1' });
    expect(links.cloud).toBe('huawei');
    expect(links.runUrl(v2)).toBe(
      `https://console.huaweicloud.com/modelarts/?region=ap-southeast-1&locale=en-us#/training/detail/${UUID}`,
    );
    expect(links.runUrl(v1)).toContain('https://console.huaweicloud.com/modelarts/?region=ap-southeast-1&');
  });

  it('takes the region from the environment when the host names none, and the host over the environment', () => {
    expect(consoleLinks({ endpoint: 'http://10.0.0.5:8443', projectId: 'p', region: 'cn-north-4' })).toMatchObject({
      cloud: 'huawei',
      region: 'cn-north-4',
    });
    expect(consoleLinks({ endpoint: 'http://10.0.0.5:8443', projectId: 'p', region: 'eu-de' })).toMatchObject({
      cloud: 'otc',
      region: 'eu-de',
    });
    // OTC offers ModelArts in eu-de only: the default where nothing says otherwise.
    expect(consoleLinks({ endpoint: 'http://127.0.0.1:9000', projectId: 'p' })).toMatchObject({
      cloud: 'otc',
      region: 'eu-de',
    });
    expect(consoleLinks({ endpoint: OTC, projectId: 'p', region: 'eu-nl' }).region).toBe('eu-de');
  });

  it('fills configured templates, URL-encoding what it puts in', () => {
    const links = consoleLinks({
      endpoint: OTC,
      projectId: 'p/1',
      v1Template: 'https://console.example/{project_id}/jobs/{job_id}/v/{version_id}?r={region}',
      v2Template: 'https://console.example/{project_id}/v2/{job_id}',
    });
    expect(links.runUrl(v1)).toBe('https://console.example/p%2F1/jobs/10/v/12?r=eu-de');
    expect(links.runUrl(v2)).toBe(`https://console.example/p%2F1/v2/${UUID}`);
    // Unknown placeholders stay as they are rather than vanish.
    expect(consoleLinks({ endpoint: OTC, projectId: 'p', v1Template: 'https://c.example/{job}' }).runUrl(v1)).toBe(
      'https://c.example/{job}',
    );
  });

  it('fills a run', () => {
    const links = consoleLinks({ endpoint: OTC, projectId: 'p' });
    const run = links.withConsoleUrl(emptyRun(v2, v2Status('Running')));
    expect(run.consoleUrl).toBe(links.runUrl(v2));
  });
});

describe('reading console links back', () => {
  it('reads back every link it generates, for both clouds and both APIs', () => {
    for (const endpoint of [OTC, HUAWEI]) {
      const links = consoleLinks({ endpoint, projectId: 'p' });
      expect(links.parse(links.runUrl(v1))).toEqual({ jobId: '10', versionId: '12' });
      expect(links.parse(links.runUrl(v2))).toEqual({ jobId: UUID, versionId: null });
    }
    const custom = consoleLinks({
      endpoint: OTC,
      projectId: 'p',
      v1Template: 'https://ma.example.com/p/{project_id}/j/{job_id}/{version_id}',
      v2Template: 'https://ma.example.com/p/{project_id}/jobs/{job_id}',
    });
    expect(custom.parse(custom.runUrl(v1))).toEqual({ jobId: '10', versionId: '12' });
    expect(custom.parse(custom.runUrl(v2))).toEqual({ jobId: UUID, versionId: null });
  });

  it('reads the known console routes', () => {
    const templates = consoleLinks({ endpoint: OTC, projectId: 'p' });
    const t = [templates.v1Template, templates.v2Template];
    expect(
      parseConsoleLink(`https://console.huaweicloud.com/modelarts/?region=cn-north-4#/training/detail/${UUID}`, t),
    ).toEqual({ jobId: UUID, versionId: null });
    expect(
      parseConsoleLink(`https://console-intl.huaweicloud.com/modelarts/#/training/detail/${UUID.toUpperCase()}`, t),
    ).toEqual({ jobId: UUID, versionId: null });
    expect(parseConsoleLink('https://console.otc.t-systems.com/modelarts/#/trainingJobs/details/10', t)).toEqual({
      jobId: '10',
      versionId: null,
    });
    expect(parseConsoleLink('https://console.otc.t-systems.com/modelarts/?jobId=7&versionId=9', t)).toEqual({
      jobId: '7',
      versionId: '9',
    });
    // A UUID never has a version, whatever the link says.
    expect(
      parseConsoleLink(`https://console.huaweicloud.com/modelarts/#/training/detail/${UUID}?versionId=3`, t),
    ).toEqual({ jobId: UUID, versionId: null });
  });

  it('ignores links that name no job or are not the console', () => {
    const t = [consoleLinks({ endpoint: OTC, projectId: 'p' }).v1Template];
    expect(parseConsoleLink('https://console.otc.t-systems.com/modelarts/#/trainingJobs', t)).toBeNull();
    expect(parseConsoleLink('https://console.otc.t-systems.com/iam/#/detail/5', t)).toBeNull();
    expect(parseConsoleLink('https://example.com/modelarts/#/training/detail/5', t)).toBeNull();
    expect(parseConsoleLink('ftp://console.otc.t-systems.com/modelarts/#/trainingJobs/details/5', t)).toBeNull();
    expect(parseConsoleLink(`https://console.otc.t-systems.com/modelarts/#/training/detail/${UUID}x`, t)).toBeNull();
    expect(parseConsoleLink('not a url', t)).toBeNull();
  });

  it('reads the routes old links used, whatever the template', () => {
    const list = ['https://console.otc.t-systems.com/modelarts/?region={region}&locale=en-us#/trainingJobs'];
    expect(
      parseConsoleLink(
        'https://console.huaweicloud.com/modelarts/?region=ap-southeast-1#/trainingJobs/details/123',
        list,
      ),
    ).toEqual({ jobId: '123', versionId: null });
    expect(
      parseConsoleLink(
        'https://console.otc.t-systems.com/modelarts/?region=eu-de&locale=en-us#/training/detail/55?versionId=9',
        list,
      ),
    ).toEqual({ jobId: '55', versionId: '9' });
    expect(
      parseConsoleLink(
        'https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs?jobId=8&version_id=3',
        list,
      ),
    ).toEqual({ jobId: '8', versionId: '3' });
    expect(parseConsoleLink('https://evil.example.com/modelarts/#/trainingJobs/details/1', list)).toBeNull();
    expect(parseConsoleLink('javascript:alert(1)', list)).toBeNull();
    expect(parseConsoleLink('https://console.otc.t-systems.com/modelarts/%E0%A4%A', list)).toBeNull();
  });

  it('never throws on arbitrary strings, and names only ids ModelArts issues', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (url, template) => {
        const r = parseConsoleLink(url, [template]);
        if (r) expect(r.jobId).toMatch(/^(\d{1,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/);
      }),
    );
  });
});
