/**
 * `modelarts-chatops preview`: the real command path in-process, printed as Block Kit JSON and a Builder link.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/types.js';
import { checkLimits } from '../../src/slack/blocks/limits.js';
import { BLOCK_KIT_BUILDER_URL, commandText, runPreview } from '../../tools/preview/preview.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
}

describe('preview', () => {
  it('prints the job card for job 10 version 10 as JSON and as a Block Kit Builder link', async () => {
    const { out, err, io } = capture();
    expect(await runPreview(['/modelarts job 10 10'], io)).toBe(0);
    expect(err).toEqual([]);
    const json = JSON.parse(out[0]!) as { blocks: unknown[] };
    expect(json.blocks.length).toBeGreaterThan(2);
    // The Builder takes blocks only; the fallback text Slack needs is beside them in the real answer.
    expect(checkLimits({ text: 'fallback', ...json })).toEqual([]);
    const text = JSON.stringify(json);
    expect(text).toContain('TestModelArtsJob');
    const link = out.find((l) => l.startsWith(BLOCK_KIT_BUILDER_URL))!;
    expect(JSON.parse(decodeURIComponent(link.slice(BLOCK_KIT_BUILDER_URL.length)))).toEqual(json);
  });

  it('--link prints only the link; the command word is optional', async () => {
    const { out, io } = capture();
    expect(await runPreview(['jobs', 'running', '--link'], io)).toBe(0);
    expect(out).toHaveLength(1);
    const blocks = JSON.parse(decodeURIComponent(out[0]!.slice(BLOCK_KIT_BUILDER_URL.length))) as { blocks: unknown[] };
    expect(JSON.stringify(blocks)).toMatch(/running/i);
  });

  it('an unknown subcommand previews the help the user would get', async () => {
    const { out, io } = capture();
    expect(await runPreview(['/modelarts', 'frobnicate', '--json'], io)).toBe(0);
    expect(out[0]).toContain('frobnicate');
  });

  it('without a command it prints usage and exits 1; unknown options are usage errors', async () => {
    const { err, io } = capture();
    expect(await runPreview([], io)).toBe(1);
    expect(err.join('\n')).toContain('npm run preview -- "/modelarts');
    await expect(runPreview(['job 10', '--yaml'], io)).rejects.toBeInstanceOf(UsageError);
  });

  it('commandText strips the command word', () => {
    expect(commandText(['/modelarts job 10 10'])).toBe('job 10 10');
    expect(commandText(['job', '10'])).toBe('job 10');
    expect(commandText(['/modelartsx'])).toBe('/modelartsx');
  });
});
