import { describe, expect, it } from 'vitest';
import { type AccessPolicy, canRemoveWatch, checkAccess } from '../../../src/slack/access.js';

const flags = { allowGuests: false, allowSharedChannels: false };
const open: AccessPolicy = { allowedChannelIds: [], allowedUserIds: [], adminUserIds: [], ...flags };
const closed: AccessPolicy = {
  allowedChannelIds: ['C1'],
  allowedUserIds: ['U1'],
  adminUserIds: ['UADMIN'],
  ...flags,
};

describe('checkAccess', () => {
  it('lets everyone in when nothing is configured', () => {
    expect(checkAccess(open, { userId: 'U9', channelId: 'C9' })).toEqual({ allowed: true, admin: false });
    expect(checkAccess(open, { userId: 'U9', channelId: null })).toEqual({ allowed: true, admin: false });
  });

  it('refuses users outside ALLOWED_USER_IDS and channels outside ALLOWED_CHANNEL_IDS', () => {
    const user = checkAccess(closed, { userId: 'U2', channelId: 'C1' });
    expect(user).toMatchObject({ allowed: false, reason: 'user' });
    const channel = checkAccess(closed, { userId: 'U1', channelId: 'C2' });
    expect(channel).toMatchObject({ allowed: false, reason: 'channel' });
    expect(checkAccess(closed, { userId: 'U1', channelId: 'C1' })).toEqual({ allowed: true, admin: false });
  });

  it('checks only the user where there is no channel', () => {
    expect(checkAccess(closed, { userId: 'U1', channelId: null })).toEqual({ allowed: true, admin: false });
    expect(checkAccess(closed, { userId: 'U2', channelId: null })).toMatchObject({ allowed: false });
  });

  it('lets admins bypass both lists', () => {
    expect(checkAccess(closed, { userId: 'UADMIN', channelId: 'C7' })).toEqual({ allowed: true, admin: true });
  });

  it('words refusals politely and without ids', () => {
    const d = checkAccess(closed, { userId: 'U2', channelId: 'C2' });
    if (d.allowed) throw new Error('expected a refusal');
    expect(d.sentence).toMatch(/^Sorry/);
    expect(d.sentence).not.toContain('U2');
  });
});

describe('canRemoveWatch', () => {
  it('always lets the creator remove a watch', () => {
    expect(canRemoveWatch(closed, 'U1', { creatorUserId: 'U1' })).toBe(true);
  });
  it('lets only admins remove others’ watches when admins exist', () => {
    expect(canRemoveWatch(closed, 'U1', { creatorUserId: 'U3' })).toBe(false);
    expect(canRemoveWatch(closed, 'UADMIN', { creatorUserId: 'U3' })).toBe(true);
  });
  it('lets anyone remove a watch when no admins are configured', () => {
    expect(canRemoveWatch(open, 'U1', { creatorUserId: 'U3' })).toBe(true);
  });
});
