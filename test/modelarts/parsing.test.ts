import { describe, expect, it } from 'vitest';
import { normaliseModelMetrics, normaliseSystemMetrics } from '../../src/modelarts/index.js';
import { parseJson } from '../../src/modelarts/json.js';
import { toNumberOrNull, toStringOrNull } from '../../src/modelarts/lenient.js';

describe('lossless JSON', () => {
  it('keeps integers beyond 2^53 as exact strings and leaves safe numbers as numbers', () => {
    expect(
      parseJson('{"a":1551252759254000002,"b":12,"c":-9007199254740993,"d":0.25,"e":"1551252759254000002"}'),
    ).toEqual({
      a: '1551252759254000002',
      b: 12,
      c: '-9007199254740993',
      d: 0.25,
      e: '1551252759254000002',
    });
  });

  it('throws SyntaxError on invalid JSON in both paths', () => {
    expect(() => parseJson('{"engine_type": ,}')).toThrow(SyntaxError);
    expect(() => parseJson('{"n": 1234567890123456789, "engine_type": ,}')).toThrow();
  });
});

describe('lenient scalars', () => {
  it('numbers from strings, junk to null', () => {
    expect(toNumberOrNull(' 3.10 ')).toBe(3.1);
    expect(toNumberOrNull('1e3')).toBe(1000);
    expect(toNumberOrNull('')).toBeNull();
    expect(toNumberOrNull('abc')).toBeNull();
    expect(toNumberOrNull('0x10')).toBeNull();
    expect(toNumberOrNull(Number.NaN)).toBeNull();
    expect(toNumberOrNull({})).toBeNull();
    expect(toStringOrNull(8)).toBe('8');
    expect(toStringOrNull({})).toBeNull();
  });
});

describe('metric lists', () => {
  it('model metrics from a JSON string, an object, or junk', () => {
    const raw = {
      metric: [{ metric_values: { recall: '0.5', precision: 0.25 }, metric_meta: { class_name: 'dog', class_id: 1 } }],
      total_metric: { total_metric_values: { accuracy: 0.9, id: 0 } },
    };
    const expected = {
      total: { accuracy: 0.9 },
      classes: [{ recall: 0.5, precision: 0.25, class_name: 'dog', class_id: 1 }],
    };
    expect(normaliseModelMetrics(raw)).toEqual(expected);
    expect(normaliseModelMetrics(JSON.stringify(raw))).toEqual(expected);
    expect(normaliseModelMetrics('{not json')).toBeNull();
    expect(normaliseModelMetrics('{}')).toBeNull();
    expect(normaliseModelMetrics(null)).toBeNull();
    expect(normaliseModelMetrics({ metric: 'x', total_metric: 5 })).toBeNull();
  });

  it('system metrics: numeric strings, extra series kept, interval separated', () => {
    expect(
      normaliseSystemMetrics({ cpuUsage: ['1', '2.5', 'x'], diskReadRate: [3], interval: '2', note: 'n' }),
    ).toEqual({
      series: { cpuUsage: [1, 2.5], diskReadRate: [3] },
      interval: 2,
    });
    expect(normaliseSystemMetrics('')).toBeNull();
  });
});
