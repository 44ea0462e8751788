/**
 * Arbitrary ModelArts wire data: the field names the API sends, with values that are sometimes plausible (numbers as
 * numbers or strings, epoch times, status codes) and sometimes anything at all (hostile strings, huge numbers, nulls,
 * wrong types, nested junk). Fed through the real zod parsers before any renderer sees it.
 */
import fc from 'fast-check';

/** Strings that would ping, link or format if they reached mrkdwn unescaped, and strings that break naive code. */
export const HOSTILE = [
  '<!channel>',
  '<!here> deploy now',
  '<!everyone>',
  '<@UEVIL0001>',
  '<#CEVIL0001|general>',
  '<https://evil.example/phish|console.otc.t-systems.com>',
  '<!subteam^SEVIL0001>',
  '<!date^1392734382^{date}|x>',
  '&lt;!channel&gt;',
  '&amp;&',
  '*bold* _it_ ~strike~ `code` ```block```',
  '> quoted\n>>> more',
  '\u202eevil\u202c',
  '\u0000\u0001\u001f',
  '👩‍👩‍👧‍👦'.repeat(400),
  'x'.repeat(5000),
  '',
  ' ',
  '\n\n\n',
  'null',
  'NaN',
  '1e309',
  '-0',
  'javascript:alert(1)',
  'https://x.example/a|<!channel>',
  'obs://bucket/path with spaces/<!here>/',
];

/** Raw sequences that must never appear in mrkdwn the bot produces from this data. */
export const FORBIDDEN_IN_MRKDWN = [
  '<!channel>',
  '<!here',
  '<!everyone>',
  '<@UEVIL0001>',
  '<#CEVIL0001',
  '<https://evil.example',
  '<!subteam^SEVIL0001>',
  '<!date^1392734382^{date}|x>',
];

const hostile = fc.constantFrom(...HOSTILE);
const text = fc.oneof(
  { weight: 3, arbitrary: hostile },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 500, maxLength: 4000 }) },
);
const hugeNumber = fc.constantFrom(
  1e300,
  -1e300,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_SAFE_INTEGER,
  1.7976931348623157e308,
  5e-324,
  -1,
  0,
);
const number = fc.oneof(fc.integer(), fc.double({ noNaN: false }), hugeNumber);

const scalar = fc.oneof(
  text,
  number,
  fc.boolean(),
  fc.constant(null),
  number.map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
);

/** Any JSON-ish value, shallow. */
export const chaos: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), tie('value'), { maxKeys: 4 }) },
  ),
})).value;

const maybeChaos = <T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: chaos });

// Ids past 2^53 (possible for a Long) make the parsers reject the response as unreadable; chaos still sends them.
const longId = fc.oneof(fc.nat({ max: 10_000_000 }), fc.nat({ max: 10_000_000 }).map(String));
const epochMs = fc.oneof(
  fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }),
  fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }).map(String),
  fc.integer({ min: 1_500_000_000, max: 1_900_000_000 }),
  fc.constantFrom(0, -1, 8.64e15 + 1, 1e300),
);
const status = fc.oneof(
  fc.integer({ min: -3, max: 30 }),
  fc.integer({ min: 0, max: 22 }).map(String),
  fc.constantFrom(99, 1e9),
);
const count = fc.oneof(fc.nat({ max: 100_000 }), fc.nat({ max: 64 }).map(String), hugeNumber);

const maybe = maybeChaos;
const metricValue = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), number, text);
const metricsObject = fc.record(
  {
    total_metric: fc.record(
      {
        metric_values: fc.record(
          { accuracy: metricValue, precision: metricValue, recall: metricValue, f1_score: metricValue },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    metric: fc.array(
      fc.record(
        {
          metric_values: fc.record({ accuracy: metricValue, recall: metricValue }, { requiredKeys: [] }),
          reserved_data: fc.record({ class_name: text, class_id: maybe(fc.nat()) }, { requiredKeys: [] }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 60 },
    ),
  },
  { requiredKeys: [] },
);
const modelMetrics = fc.oneof(
  metricsObject,
  metricsObject.map((m) => JSON.stringify(m)),
  chaos,
);
const series = fc.array(fc.oneof(fc.double({ noNaN: false }), number.map(String), text), { maxLength: 200 });
const systemMetrics = fc.oneof(
  fc.dictionary(
    fc.constantFrom('cpuUsage', 'memUsage', 'gpuUtil', 'gpuMemUsage', 'diskReadRate', 'weird<!here>'),
    series,
  ),
  fc.dictionary(fc.constantFrom('cpuUsage', 'gpuUtil'), series).map((m) => JSON.stringify({ ...m, interval: 1 })),
  chaos,
);

/** Plausible-or-anything value for a wire field, chosen by its name (`strict`: plausible only). */
function fieldValue(key: string, strict = false): fc.Arbitrary<unknown> {
  const maybe = <T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> => (strict ? plausible : maybeChaos(plausible));
  if (key === 'parameter') {
    return maybe(
      fc.array(fc.record({ label: maybe(text), value: maybe(text) }, { requiredKeys: [] }), { maxLength: 70 }),
    );
  }
  if (key === 'model_metric_list') return modelMetrics;
  if (key === 'system_metric_list') return systemMetrics;
  if (key === 'data_source' || key === 'inputs')
    return maybe(fc.array(fc.dictionary(fc.string({ maxLength: 12 }), chaos), { maxLength: 5 }));
  if (key === 'template') {
    return maybe(
      fc.record(
        {
          id: maybe(fc.constantFrom('sys_data_analyse', 'sys_data_cleaning', 'other')),
          name: maybe(text),
          operator_params: chaos,
        },
        { requiredKeys: [] },
      ),
    );
  }
  if (key === 'result') return chaos;
  if (key === 'status') return maybe(status);
  if (/_time$/.test(key)) return maybe(epochMs);
  if (/^(duration|duration_seconds)$/.test(key)) return maybe(count);
  if (/(_num|_count|^count|^offset|^limit|_limit|engine_type|^lines)$/.test(key)) return maybe(count);
  if (/^(job_id|version_id|pre_version_id|engine_id|spec_id|model_id)$/.test(key)) return maybe(longId);
  if (key === 'task_id') return maybe(fc.stringMatching(/^[A-Za-z0-9]{19}$/));
  if (/url$/.test(key)) {
    return maybe(
      fc.oneof(fc.webUrl(), fc.constantFrom('obs://bucket/out/', '/usr/train/', 'javascript:alert(1)'), text),
    );
  }
  return maybe(text);
}

/**
 * A wire object with (a random subset of) the given fields, plus unknown extra fields. Required fields are always
 * present; with `strictRequired` they are also always plausible (list items: one unreadable row rejects a response).
 */
export function wireObject(
  keys: readonly string[],
  required: readonly string[] = [],
  options: { strictRequired?: boolean } = {},
): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) model[key] = fieldValue(key, options.strictRequired === true && required.includes(key));
  return fc
    .tuple(
      fc.record(model, { requiredKeys: required.filter((k) => keys.includes(k)) as never[] }),
      fc.dictionary(fc.string({ maxLength: 12 }), chaos, { maxKeys: 2 }),
    )
    .map(([known, extra]) => ({ ...extra, ...known }));
}

/** Lists: mostly short, sometimes the 1000 rows a page can hold. */
export function wireList<T>(item: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(item, { maxLength: 12 }) },
    { weight: 1, arbitrary: fc.array(item, { minLength: 200, maxLength: 1000 }) },
  );
}
