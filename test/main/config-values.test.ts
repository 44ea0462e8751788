/** Configuration values read beyond the required ones: lookup tuning and console links, with one clear problem each when invalid. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { testConfig } from '../support/app-fakes.js';

describe('lookup tuning variables', () => {
  it('defaults to a 5 s lookup cache and 256 lookups in flight', () => {
    const config = testConfig();
    expect(config.modelarts.lookupCacheMs).toBe(5_000);
    expect(config.slack.maxLookupsInFlight).toBe(256);
  });

  it('takes overrides, 0 switching the cache off', () => {
    const config = testConfig({ MODELARTS_LOOKUP_CACHE_MS: '0', MAX_LOOKUPS_IN_FLIGHT: '64' });
    expect(config.modelarts.lookupCacheMs).toBe(0);
    expect(config.slack.maxLookupsInFlight).toBe(64);
  });

  it('names each invalid value', () => {
    let problems: readonly string[] = [];
    try {
      testConfig({ MODELARTS_LOOKUP_CACHE_MS: 'soon', MAX_LOOKUPS_IN_FLIGHT: '0' });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = err.problems;
    }
    expect(problems.some((p) => p.includes('MODELARTS_LOOKUP_CACHE_MS'))).toBe(true);
    expect(problems.some((p) => p.includes('MAX_LOOKUPS_IN_FLIGHT'))).toBe(true);
  });
});

describe('console link variables', () => {
  it('leave the templates to the endpoint by default and read the region the clouds’ own tools read', () => {
    expect(testConfig().modelarts).toMatchObject({
      consoleJobUrlTemplate: null,
      consoleV2JobUrlTemplate: null,
      consoleRegion: null,
    });
    expect(testConfig({ OS_REGION_NAME: 'eu-de' }).modelarts.consoleRegion).toBe('eu-de');
    expect(testConfig({ HUAWEICLOUD_SDK_REGION: 'cn-north-4', OS_REGION_NAME: 'eu-de' }).modelarts.consoleRegion).toBe(
      'cn-north-4',
    );
  });

  it('take both templates, and refuse one that is not an http(s) URL', () => {
    const config = testConfig({
      MODELARTS_CONSOLE_JOB_URL: 'https://console.example.com/#/jobs/{job_id}/{version_id}',
      MODELARTS_CONSOLE_V2_JOB_URL: 'https://console.example.com/#/training/detail/{job_id}',
    });
    expect(config.modelarts.consoleJobUrlTemplate).toBe('https://console.example.com/#/jobs/{job_id}/{version_id}');
    expect(config.modelarts.consoleV2JobUrlTemplate).toBe('https://console.example.com/#/training/detail/{job_id}');
    let problems: readonly string[] = [];
    try {
      testConfig({ MODELARTS_CONSOLE_V2_JOB_URL: 'javascript:alert(1)//{job_id}' });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = err.problems;
    }
    expect(problems).toEqual([
      'MODELARTS_CONSOLE_V2_JOB_URL must be an http(s) URL (with {job_id} where the job goes)',
    ]);
  });
});
