import { describe, expect, it } from 'vitest';
import { loadModelArtsConfig } from '../../src/config.js';
import { createTrainingApiAvailability } from '../../src/modelarts/api-availability.js';
import { ApiUnavailableError, ConnectionError } from '../../src/modelarts/errors.js';

const unavailable = (api: 'v1' | 'v2') =>
  new ApiUnavailableError(
    { status: 404, errorCode: 'APIGW.0101', errorMessage: null, requestId: null, endpoint: 'GET /x' },
    api,
  );

describe('training API availability', () => {
  it('auto asks both until one answers unavailable, then leaves it alone until the re-probe is due', () => {
    const changes: string[] = [];
    const a = createTrainingApiAvailability({
      mode: 'auto',
      reprobeMs: 60_000,
      onChange: (api, ok) => changes.push(`${api}:${ok}`),
    });
    expect(a.enabled(0)).toEqual(['v1', 'v2']);
    a.report('v1', unavailable('v1'), 1_000);
    expect(a.enabled(2_000)).toEqual(['v2']);
    expect(a.isEnabled('v1', 60_999)).toBe(false);
    expect(a.enabled(61_000)).toEqual(['v1', 'v2']);
    // Still missing at the re-probe: the wait starts again and nothing new is announced.
    a.report('v1', unavailable('v1'), 61_000);
    expect(a.enabled(62_000)).toEqual(['v2']);
    expect(changes).toEqual(['v1:false']);
    a.report('v1', null, 121_000);
    expect(a.enabled(121_001)).toEqual(['v1', 'v2']);
    expect(changes).toEqual(['v1:false', 'v1:true']);
  });

  it('an unavailable answer of the other API, or a transient error, says nothing about this one', () => {
    const a = createTrainingApiAvailability({ mode: 'auto', reprobeMs: 60_000 });
    a.report('v1', unavailable('v2'), 0);
    a.report('v2', new ConnectionError('GET /x', 'ECONNRESET'), 0);
    expect(a.enabled(1)).toEqual(['v1', 'v2']);
    a.report('v2', unavailable('v2'), 2);
    a.report('v2', new ConnectionError('GET /x', 'ECONNRESET'), 3);
    expect(a.enabled(4)).toEqual(['v1']);
  });

  it('a pinned mode asks only its API, whatever it answers', () => {
    const v2 = createTrainingApiAvailability({ mode: 'v2', reprobeMs: 60_000 });
    v2.report('v2', unavailable('v2'), 0);
    expect(v2.enabled(1)).toEqual(['v2']);
    expect(v2.isEnabled('v1', 1)).toBe(false);
    expect(createTrainingApiAvailability({ mode: 'v1', reprobeMs: 1 }).enabled(0)).toEqual(['v1']);
  });
});

describe('MODELARTS_TRAINING_API', () => {
  const base = {
    MODELARTS_ENDPOINT: 'https://modelarts.eu-de.otc.t-systems.com',
    MODELARTS_PROJECT_ID: 'p1',
    MODELARTS_AUTH_TOKEN: 't',
  };
  it('defaults to auto with a 30 minute re-probe, and takes v1, v2 in any case', () => {
    expect(loadModelArtsConfig(base)).toMatchObject({ trainingApi: 'auto', apiReprobeSeconds: 1800 });
    expect(loadModelArtsConfig({ ...base, MODELARTS_TRAINING_API: 'V2' }).trainingApi).toBe('v2');
  });
  it('names the variable and the allowed values when the value is wrong', () => {
    expect(() => loadModelArtsConfig({ ...base, MODELARTS_TRAINING_API: 'v3' })).toThrow(
      /MODELARTS_TRAINING_API must be one of auto, v1, v2/,
    );
  });
});
