/**
 * Who may remove a watch through its Unwatch button, against a real (in-memory SQLite) store: the button's value is a
 * watch id anyone can forge, so the checks must hold whatever surface the click comes from.
 */
import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWatchTarget } from '../../../src/slack/blocks/watches.js';
import { UserFacingError } from '../../../src/slack/errors.js';
import type { CommandEnv } from '../../../src/slack/use-cases/context.js';
import { unwatchById } from '../../../src/slack/use-cases/watches.js';
import { openStore, type Store, type WatchFilter, type WatchTarget } from '../../../src/store/index.js';
import { fakeAppDeps } from '../../support/app-fakes.js';

const TEAM = 'T1';
const NOW = new Date('2026-11-20T10:00:00Z');

describe('unwatchById', () => {
  let store: Store;

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  function env(userId: string, channelId: string | null, accessEnv: Record<string, string> = {}): CommandEnv {
    const deps = fakeAppDeps({ store, env: accessEnv });
    return { deps, client: {} as WebClient, userId, channelId, teamId: TEAM, admin: false };
  }

  async function watch(creator: string, channelId: string, target: WatchTarget, filter: WatchFilter = 'default') {
    const { watch } = await store.createWatch({
      teamId: TEAM,
      channelId,
      projectId: 'sim-project',
      creatorUserId: creator,
      target,
      filter,
      now: NOW,
    });
    return watch;
  }

  const job10: WatchTarget = { kind: 'job', jobId: '10' };

  it('lets the creator remove their watch from the channel list and from App Home', async () => {
    const a = await watch('U1', 'C1', job10);
    expect((await unwatchById(env('U1', 'C1'), a.id))?.id).toBe(a.id);
    const b = await watch('U1', 'C2', job10);
    expect((await unwatchById(env('U1', null), b.id))?.id).toBe(b.id);
    expect(await store.listChannelWatches(TEAM, 'C2')).toEqual([]);
  });

  it('refuses someone else’s watch from App Home, where no channel vouches for the user', async () => {
    const w = await watch('U1', 'C1', job10);
    // No admins configured: channel members may clean up in the channel, but a forged id from Home is not that.
    await expect(unwatchById(env('U2', null), w.id)).rejects.toBeInstanceOf(UserFacingError);
    expect(await store.getWatch(w.id)).not.toBeNull();
    // An admin may.
    const admin = env('UADMIN', null, { ADMIN_USER_IDS: 'UADMIN' });
    expect((await unwatchById(admin, w.id))?.id).toBe(w.id);
  });

  it('removes exactly the watch the button names, not other people’s on the same target', async () => {
    const mine = await watch('U1', 'C1', job10, 'failed');
    const theirs = await watch('U2', 'C1', job10, 'completed');
    const closed = { ADMIN_USER_IDS: 'UADMIN' };
    expect((await unwatchById(env('U1', 'C1', closed), mine.id))?.id).toBe(mine.id);
    expect(await store.getWatch(mine.id)).toBeNull();
    expect(await store.getWatch(theirs.id)).not.toBeNull();
  });

  it('refuses a watch of another channel or another team', async () => {
    const w = await watch('U1', 'C1', job10);
    await expect(unwatchById(env('U1', 'C2'), w.id)).rejects.toBeInstanceOf(UserFacingError);
    expect(await unwatchById({ ...env('U1', 'C1'), teamId: 'T2' }, w.id)).toBeNull();
  });
});

describe('describeWatchTarget', () => {
  it('names each kind of target in plain words', () => {
    expect(describeWatchTarget({ kind: 'run', jobId: '10', versionId: '7' }, 'p1')).toBe('training job 10 version 7');
    expect(
      describeWatchTarget({ kind: 'run', jobId: '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b', versionId: null }, 'p1'),
    ).toBe('training job 6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b');
    expect(describeWatchTarget({ kind: 'job', jobId: '10' }, 'p1')).toBe('every version of training job 10');
    expect(describeWatchTarget({ kind: 'project' }, 'p1')).toBe('every failed training job in project p1');
  });
});
