/** The lookup cache and in-flight limit variables: defaults, overrides, and one clear problem each when invalid. */
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
