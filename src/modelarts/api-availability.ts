/**
 * Which training APIs the bot asks, and the memory of which ones this account does not have.
 *
 * Huawei Cloud stopped creating v1 training jobs in 2023 and some accounts and regions never had v2, so in `auto` mode
 * the bot asks both and, once one answers "not available" (ApiUnavailableError), stops asking it: every list and
 * every poll cycle would otherwise pay a failing request and risk showing its error. The API is asked again after a
 * re-probe interval, because an account can gain an API (a region upgrade, a newly granted agency). Each process keeps
 * its own memory: a replica that has not learnt it yet costs one failing request, never a wrong answer.
 */
import type { TrainingApiMode } from '../config.js';
import { isApiUnavailable, type TrainingApi } from './errors.js';

export interface TrainingApiAvailability {
  /** The configured mode; `v1` or `v2` pins the bot to one API whatever it answers. */
  readonly mode: TrainingApiMode;
  /** The APIs to ask now, v1 first: the configured ones minus those found unavailable and not yet due a re-probe. */
  enabled(now: number): TrainingApi[];
  /** Whether `api` is to be asked now. */
  isEnabled(api: TrainingApi, now: number): boolean;
  /**
   * Learns from one answer of `api`: an ApiUnavailableError for it marks it unavailable (in `auto`), any other outcome,
   * `null` for a success included, marks it available again. Other errors (timeouts, 5xx) say nothing either way.
   */
  report(api: TrainingApi, outcome: unknown, now: number): void;
}

export interface AvailabilityOptions {
  mode: TrainingApiMode;
  reprobeMs: number;
  /** Called once per change, so the log says when an API was found missing or came back, not on every cycle. */
  onChange?: (api: TrainingApi, available: boolean) => void;
}

const ORDER: readonly TrainingApi[] = ['v1', 'v2'];

export function createTrainingApiAvailability(options: AvailabilityOptions): TrainingApiAvailability {
  const { mode, reprobeMs } = options;
  /** When each API was last found unavailable; absent while it is believed available. */
  const unavailableSince = new Map<TrainingApi, number>();

  const configured = (api: TrainingApi): boolean => mode === 'auto' || mode === api;

  const isEnabled = (api: TrainingApi, now: number): boolean => {
    if (!configured(api)) return false;
    const since = unavailableSince.get(api);
    return since === undefined || now - since >= reprobeMs;
  };

  return {
    mode,
    isEnabled,
    enabled: (now) => ORDER.filter((api) => isEnabled(api, now)),
    report(api, outcome, now) {
      if (mode !== 'auto') return;
      if (isApiUnavailable(outcome, api)) {
        const wasAvailable = !unavailableSince.has(api);
        // A re-probe that finds it still missing restarts the wait, without a second notice.
        unavailableSince.set(api, now);
        if (wasAvailable) options.onChange?.(api, false);
        return;
      }
      if (outcome !== null && outcome !== undefined) return;
      if (unavailableSince.delete(api)) options.onChange?.(api, true);
    },
  };
}
