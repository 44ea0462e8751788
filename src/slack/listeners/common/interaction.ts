/**
 * One JSON log line per interaction: who, where, what, how long, how it ended. Never the raw command text or any
 * payload (they may hold anything); tokens are kept out by construction and by the destination's scrubbing of
 * configured secret values.
 */

import type { Logger } from 'pino';
import type { AppDeps } from '../../deps.js';
import type { Outcome } from '../../errors.js';

export type InteractionKind = 'command' | 'action' | 'shortcut' | 'view' | 'event' | 'options';

export interface Interaction {
  /** Adds fields to the line (subcommand, outcome, …). */
  set(fields: { subcommand?: string; outcome?: Outcome | 'acked' | 'ignored'; deferred?: boolean }): void;
  /** Records the moment the request was acknowledged. */
  acked(): void;
  /** Writes the line once; later calls are ignored. */
  done(outcome?: Outcome | 'ignored'): void;
}

/**
 * The interaction line is built here from ids, names, enums and numbers only, so it skips pino's path redaction,
 * which cost about 20 µs per line, a tenth of a whole request's work under load. The destination's scrubbing of
 * configured secret values still applies to it, as to every line.
 */
const lineLoggers = new WeakMap<Logger, Logger>();

function lineLogger(logger: Logger): Logger {
  let child = lineLoggers.get(logger);
  if (!child) {
    child = logger.child({}, { redact: { paths: [] } });
    lineLoggers.set(logger, child);
  }
  return child;
}

export function startInteraction(
  deps: Pick<AppDeps, 'logger'>,
  kind: InteractionKind,
  name: string,
  who: { userId: string | null | undefined; channelId: string | null | undefined; teamId?: string | null | undefined },
): Interaction {
  const started = performance.now();
  let ackMs: number | null = null;
  let finished = false;
  const fields: { subcommand?: string; outcome?: string; deferred?: boolean } = {};
  return {
    set(more) {
      Object.assign(fields, more);
    },
    acked() {
      ackMs ??= Math.round(performance.now() - started);
    },
    done(outcome) {
      if (finished) return;
      finished = true;
      if (outcome) fields.outcome = outcome;
      lineLogger(deps.logger).info(
        {
          interaction: kind,
          name,
          user: who.userId ?? null,
          channel: who.channelId ?? null,
          team: who.teamId ?? null,
          subcommand: fields.subcommand ?? null,
          outcome: fields.outcome ?? 'ok',
          deferred: fields.deferred ?? false,
          ackMs,
          latencyMs: Math.round(performance.now() - started),
        },
        'interaction',
      );
    },
  };
}
