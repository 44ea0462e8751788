/**
 * The Slack app manifests name what the code listens to: a renamed callback id or a missing event would leave a
 * shortcut dead in a real workspace while every offline test still passed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleLinks } from '../../src/modelarts/index.js';
import { CALLBACK } from '../../src/slack/ids.js';
import { PROJECT_ROOT } from '../../tools/demo/bot-process.js';
import { DEFAULT_UNFURL_DOMAINS } from '../../tools/fake-slack/index.js';

const read = (name: string) => readFileSync(join(PROJECT_ROOT, 'manifest', name), 'utf8');

/** The items of a YAML block list under `key:` (our manifests use plain `- item` lines). */
function listUnder(yaml: string, key: string): string[] {
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${key}:`);
  if (start < 0) return [];
  const indent = lines[start]!.search(/\S/);
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') continue;
    if (line.search(/\S/) <= indent && !line.trim().startsWith('-')) break;
    const m = /^\s*-\s+(.*)$/.exec(line);
    if (m && line.search(/\S/) <= indent + 2) items.push(m[1]!.trim());
    else if (!m && line.search(/\S/) <= indent) break;
  }
  return items;
}

describe.each(['http.yaml', 'socket.yaml'])('manifest/%s', (file) => {
  const yaml = read(file);

  it('declares the slash command, both shortcuts with the ids the app listens to, and the Home tab', () => {
    expect(yaml).toMatch(/^\s+- command: \/modelarts$/m);
    expect(yaml).toMatch(/^\s+usage_hint: .+/m);
    expect(yaml).toContain(`callback_id: ${CALLBACK.lookupShortcut}`);
    expect(yaml).toContain(`callback_id: ${CALLBACK.watchMessageShortcut}`);
    expect(yaml).toMatch(/type: global/);
    expect(yaml).toMatch(/type: message/);
    expect(yaml).toMatch(/home_tab_enabled: true/);
    for (const m of yaml.matchAll(/^\s+(?:- )?name: (.+)$/gm)) expect(m[1]!.length).toBeLessThanOrEqual(35);
  });

  it('subscribes to exactly the events the app handles and turns interactivity on', () => {
    expect(listUnder(yaml, 'bot_events').sort()).toEqual(['app_home_opened', 'link_shared']);
    expect(yaml).toMatch(/interactivity:\n\s+is_enabled: true/);
  });

  it('asks for the minimal bot scopes', () => {
    expect(listUnder(yaml, 'bot').sort()).toEqual(
      [
        'channels:history',
        'channels:read',
        'chat:write',
        'chat:write.public',
        'commands',
        'groups:history',
        'groups:read',
        'im:write',
        'links:read',
        'links:write',
        'users:read',
      ].sort(),
    );
  });

  it('unfurls the console domains the demo stand-in unfurls', () => {
    expect(listUnder(yaml, 'unfurl_domains').sort()).toEqual([...DEFAULT_UNFURL_DOMAINS].sort());
  });

  it("unfurls the bot's own console links, on both clouds and for both APIs", () => {
    const domains = listUnder(yaml, 'unfurl_domains');
    for (const endpoint of [
      'https://modelarts.eu-de.otc.t-systems.com',
      'https://modelarts.cn-north-4.myhuaweicloud.com',
      'http://127.0.0.1:9000',
    ]) {
      const links = consoleLinks({ endpoint, projectId: 'p' });
      for (const ref of [
        { api: 'v1', jobId: '10', versionId: '12' },
        { api: 'v2', jobId: '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b' },
      ] as const) {
        const host = new URL(links.runUrl(ref)).hostname;
        expect(domains.some((d) => host === d || host.endsWith(`.${d}`))).toBe(true);
      }
    }
  });
});

describe('HTTP and Socket Mode differ only where they must', () => {
  it('HTTP names request URLs on /slack/events; Socket Mode has none and is switched on', () => {
    const http = read('http.yaml');
    const socket = read('socket.yaml');
    expect(http).toMatch(/socket_mode_enabled: false/);
    expect(socket).toMatch(/socket_mode_enabled: true/);
    expect(http.match(/https:\/\/bot\.example\.com\/slack\/events/g)).toHaveLength(3);
    expect(socket.replace(/^#.*$/gm, '')).not.toMatch(/request_url|url: https?:/);
  });
});
