/** Helpers for multi-row statements shared by the repository files. */

/** Rows per multi-row statement: far below SQLite's and Postgres's bound-parameter limits at ~12 columns a row. */
export const CHUNK = 500;

export type Channel = { team_id: string; channel_id: string };

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function distinctChannels(rows: readonly Channel[]): Channel[] {
  const seen = new Map<string, Channel>();
  for (const r of rows)
    seen.set(JSON.stringify([r.team_id, r.channel_id]), { team_id: r.team_id, channel_id: r.channel_id });
  // A stable order: concurrent writers take row locks in the same order and cannot deadlock on these rows.
  return [...seen.values()].sort((a, b) =>
    a.team_id === b.team_id ? (a.channel_id < b.channel_id ? -1 : 1) : a.team_id < b.team_id ? -1 : 1,
  );
}
