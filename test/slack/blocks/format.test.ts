import { describe, expect, it } from 'vitest';
import {
  bar,
  formatAccelerators,
  formatBytes,
  formatBytesRate,
  formatCores,
  formatDate,
  formatDateTime,
  formatDuration,
  formatMemory,
  formatNumber,
  formatPercent,
  formatRelative,
  formatTook,
  formatWhen,
  isValidTimeZone,
  sparkline,
} from '../../../src/slack/blocks/format.js';

const NOW = new Date('2019-07-15T12:00:00Z');

describe('durations', () => {
  it.each([
    [0, '0 s'],
    [400, 'under 1 s'],
    [52_000, '52 s'],
    [532_003, '8 min 52 s'],
    [480_000, '8 min'],
    [7_440_000, '2 h 4 min'],
    [7_200_000, '2 h'],
    [3 * 86_400_000 + 5 * 3_600_000, '3 d 5 h'],
    [1e15, '11,574,074 d'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('is null for missing, negative or non-finite input', () => {
    for (const v of [null, undefined, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatDuration(v)).toBeNull();
  });

  it('says how long something took after its status word, never "after 0 s"', () => {
    expect(formatTook(532_003, 'in')).toBe('in 8 min 52 s');
    expect(formatTook(7_200_000, 'for')).toBe('for 2 h');
    expect(formatTook(180_000, 'after')).toBe('after 3 min');
    expect(formatTook(0, 'after')).toBe('at once');
    expect(formatTook(400, 'after')).toBe('at once');
    expect(formatTook(0, 'in')).toBeNull();
    expect(formatTook(0, 'for')).toBeNull();
    expect(formatTook(null, 'after')).toBeNull();
  });
});

describe('dates in the viewer zone', () => {
  it('formats absolute times in the zone, across DST', () => {
    expect(formatDateTime(1563172362000, 'Europe/Berlin')).toBe('15 Jul 2019 08:32');
    expect(formatDateTime(1563172362000, 'UTC')).toBe('15 Jul 2019 06:32');
    expect(formatDateTime(Date.UTC(2019, 0, 15, 6, 32), 'Europe/Berlin')).toBe('15 Jan 2019 07:32');
    expect(formatDateTime(1563172362000, 'Asia/Kolkata')).toBe('15 Jul 2019 12:02');
    expect(formatDate(Date.UTC(2019, 11, 31, 23, 30), 'Europe/Berlin')).toBe('1 Jan 2020');
  });

  // Fixed English abbreviations: ICU versions disagree ("Sep" or "Sept").
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  it('agrees with Intl at DST switches and odd offsets (offsets are cached per quarter hour)', () => {
    const zones = ['Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    // Around the 2019 Berlin and Lord Howe switches, minute by minute, plus a spread over several years.
    const instants = [
      ...Array.from({ length: 180 }, (_, i) => Date.UTC(2019, 2, 31, 0, 0) + i * 60_000),
      ...Array.from({ length: 180 }, (_, i) => Date.UTC(2019, 3, 6, 14, 0) + i * 60_000 + 17_000),
      ...Array.from({ length: 400 }, (_, i) => Date.UTC(2015, 0, 1) + i * 7_919_993_123),
    ];
    for (const timeZone of zones) {
      const intl = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      for (const t of instants) {
        const p = Object.fromEntries(intl.formatToParts(t).map((x) => [x.type, x.value]));
        expect(formatDateTime(t, timeZone), `${timeZone} ${new Date(t).toISOString()}`).toBe(
          `${Number(p.day)} ${MONTHS[Number(p.month) - 1]} ${p.year} ${p.hour}:${p.minute}`,
        );
      }
    }
  });

  it('falls back to UTC for unknown zones and is null for invalid times', () => {
    expect(formatDateTime(1563172362000, 'Mars/Olympus')).toBe('15 Jul 2019 06:32');
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(formatDateTime(Number.NaN, 'UTC')).toBeNull();
    expect(formatDateTime(null, 'UTC')).toBeNull();
  });

  it.each([
    [NOW.getTime() - 3_000, 'just now'],
    [NOW.getTime() - 42_000, '42 s ago'],
    [NOW.getTime() - 12 * 60_000, '12 min ago'],
    [NOW.getTime() - 12 * 60_000 - 40_000, '13 min ago'],
    [NOW.getTime() - 59 * 60_000 - 50_000, '1 h ago'],
    // Rounded, never floored: next to "running 3 h 59 min" a "3 h ago" would contradict it.
    [NOW.getTime() - 3 * 3_600_000 - 59 * 60_000, 'about 4 h ago'],
    [NOW.getTime() - 3 * 3_600_000 - 20 * 60_000, 'about 3 h ago'],
    [NOW.getTime() - 3 * 3_600_000 - 20_000, '3 h ago'],
    [NOW.getTime() - 47 * 3_600_000, '47 h ago'],
    [NOW.getTime() - 5 * 86_400_000, '5 d ago'],
    [NOW.getTime() - 5 * 86_400_000 - 14 * 3_600_000, 'about 6 d ago'],
    [NOW.getTime() + 3 * 60_000, 'in 3 min'],
    [NOW.getTime() + 2 * 3_600_000 + 40 * 60_000, 'in about 3 h'],
    [Date.UTC(2019, 0, 1), 'on 1 Jan 2019'],
  ])('relative %d → %s', (t, text) => {
    expect(formatRelative(t, NOW, 'Europe/Berlin')).toBe(text);
  });

  it('formatWhen is relative within a day, absolute otherwise', () => {
    expect(formatWhen(NOW.getTime() - 3_600_000, NOW, 'Europe/Berlin')).toBe('1 h ago');
    expect(formatWhen(1563172362000 - 86_400_000 * 2, NOW, 'Europe/Berlin')).toBe('13 Jul 2019 08:32');
  });
});

describe('numbers', () => {
  it.each([
    [0.000937, '0.09%'],
    [0.000178, '0.02%'],
    [0.005833, '0.58%'],
    [0.934, '93.4%'],
    [0.5, '50%'],
    [1, '100%'],
    [0, '0%'],
    [0.99999, 'over 99.9%'],
    [0.00000001, 'under 0.01%'],
    [93.4, '93.4%'],
    [-3, '-3'],
    [1e300, '1.00e+300'],
  ])('percent %d → %s', (v, text) => {
    expect(formatPercent(v)).toBe(text);
  });

  it('formats counts, bytes, accelerators, specs', () => {
    expect(formatPercent(Number.NaN)).toBeNull();
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(12.3456)).toBe('12.3');
    expect(formatNumber(0.00001234)).toBe('1.23e-5');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytesRate(5770405.5)).toBe('5.77 MB/s');
    expect(formatBytesRate(91811.07)).toBe('91.8 kB/s');
    expect(formatBytes(1e30)).toBe('1000000000000 EB');
    expect(formatAccelerators(2, 'P100')).toBe('2 × P100');
    expect(formatAccelerators(1, null)).toBe('1 GPU');
    expect(formatAccelerators(8, '', 'NPU')).toBe('8 NPUs');
    expect(formatAccelerators(0, 'P100')).toBeNull();
    expect(formatCores('2')).toBe('2 cores');
    expect(formatCores('1')).toBe('1 core');
    expect(formatMemory('8')).toBe('8 GB');
    expect(formatMemory('64GiB')).toBe('64GiB');
  });
});

describe('sparklines and bars', () => {
  it('scales non-negative series from zero', () => {
    expect(sparkline([0, 3.1, 5.76, 0, 0, 0, 0])).toBe('▁▅█▁▁▁▁');
    expect(sparkline([5, 5, 5])).toBe('███');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline([-1, 0, 1])).toBe('▁▅█');
    expect(sparkline([])).toBe('');
    expect(sparkline([Number.NaN, 1])).toBe('█');
  });

  it('downsamples to at most 24 characters, keeping spikes', () => {
    const series = Array.from({ length: 10_000 }, (_, i) => (i === 5_000 ? 100 : 1));
    const line = sparkline(series);
    expect(line).toHaveLength(24);
    expect(line).toContain('█');
    expect(sparkline(series, 100)).toHaveLength(24);
  });

  it('draws proportional bars', () => {
    expect(bar(0.5, 4)).toBe('██  ');
    expect(bar(1, 3)).toBe('███');
    expect(bar(0.06, 2)).toBe('▏ ');
    expect(bar(Number.NaN, 2)).toBe('  ');
  });
});
