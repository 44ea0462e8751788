/**
 * Async iterators over ModelArts' three paging conventions (notes §6.6):
 * - page/per_page, pages from 1 (training jobs, configs, visualization jobs, versions of a job);
 * - offset/limit with offset counting rows and limit 0 meaning "everything in one answer" (all-versions statuses);
 * - processor tasks, whose `offset` is a page index from 0.
 * Each stops on a short or empty page or when the reported total is reached, and never runs past `maxPages`, so a
 * server that ignores paging cannot loop us forever.
 */

import type { ModelArtsApi } from './api.js';
import type { CallOptions } from './client.js';
import type { ListProcessorTasksQuery, ProcessorTask } from './resources/processor-tasks.js';
import type { ListTrainingJobConfigsQuery, TrainingJobConfig } from './resources/training-job-configs.js';
import type {
  JobVersionStatus,
  ListJobVersionStatusesQuery,
  ListTrainingJobsQuery,
  TrainingJobSummary,
  TrainingJobVersion,
} from './resources/training-jobs.js';
import type { ListVisualizationJobsQuery, VisualizationJob } from './resources/visualization-jobs.js';

export interface Page<T> {
  items: T[];
  /** Total reported by the server, when it reports one. */
  total: number | null;
}

export interface PagingOptions {
  /** Safety stop (default 10 000 pages). */
  maxPages?: number;
}

/** page = 1, 2, … with `perPage` rows each. */
export async function* paginatePages<T>(
  fetchPage: (page: number, perPage: number) => Promise<Page<T>>,
  options: PagingOptions & { perPage?: number; firstPage?: number } = {},
): AsyncGenerator<T, void, undefined> {
  const perPage = options.perPage ?? 100;
  const maxPages = options.maxPages ?? 10_000;
  let seen = 0;
  for (let i = 0, page = options.firstPage ?? 1; i < maxPages; i++, page++) {
    const { items, total } = await fetchPage(page, perPage);
    for (const item of items) yield item;
    seen += items.length;
    if (items.length === 0 || items.length < perPage || (total !== null && seen >= total)) return;
  }
}

/** offset = 0, limit, 2·limit, …; `limit: 0` asks for everything in one request. */
export async function* paginateOffset<T>(
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>,
  options: PagingOptions & { limit?: number; offset?: number } = {},
): AsyncGenerator<T, void, undefined> {
  const limit = options.limit ?? 100;
  let offset = options.offset ?? 0;
  if (limit === 0) {
    const { items } = await fetchPage(offset, 0);
    yield* items;
    return;
  }
  const maxPages = options.maxPages ?? 10_000;
  for (let i = 0; i < maxPages; i++) {
    const { items, total } = await fetchPage(offset, limit);
    for (const item of items) yield item;
    offset += items.length;
    if (items.length === 0 || items.length < limit || (total !== null && offset >= total)) return;
  }
}

/** Processor tasks: offset is a page index 0, 1, 2, … of `limit` rows (1–100). */
export async function* paginatePageIndex<T>(
  fetchPage: (pageIndex: number, limit: number) => Promise<Page<T>>,
  options: PagingOptions & { limit?: number } = {},
): AsyncGenerator<T, void, undefined> {
  yield* paginatePages((page, limit) => fetchPage(page - 1, limit), {
    perPage: Math.min(100, Math.max(1, options.limit ?? 100)),
    firstPage: 1,
    ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
  });
}

export async function collect<T>(iterable: AsyncIterable<T>, max = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  if (max <= 0) return out;
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Bound to the API

export function iterateTrainingJobs(
  api: ModelArtsApi,
  query: Omit<ListTrainingJobsQuery, 'page' | 'per_page'> & { per_page?: number } = {},
  options?: CallOptions & PagingOptions,
): AsyncGenerator<TrainingJobSummary, void, undefined> {
  return paginatePages(
    async (page, per_page) => {
      const list = await api.listTrainingJobs({ ...query, page, per_page }, options);
      return { items: list.jobs, total: list.job_total_count };
    },
    { perPage: query.per_page ?? 100, ...pick(options) },
  );
}

export function iterateTrainingJobVersions(
  api: ModelArtsApi,
  jobId: string | number,
  query: { per_page?: number } = {},
  options?: CallOptions & PagingOptions,
): AsyncGenerator<TrainingJobVersion, void, undefined> {
  return paginatePages(
    async (page, per_page) => {
      const list = await api.listTrainingJobVersions(jobId, { page, per_page }, options);
      return { items: list.versions, total: list.version_count };
    },
    { perPage: query.per_page ?? 100, ...pick(options) },
  );
}

export function iterateJobVersionStatuses(
  api: ModelArtsApi,
  query: Omit<ListJobVersionStatusesQuery, 'offset'> = {},
  options?: CallOptions & PagingOptions,
): AsyncGenerator<JobVersionStatus, void, undefined> {
  return paginateOffset(
    async (offset, limit) => {
      const list = await api.listJobVersionStatuses({ ...query, offset, limit }, options);
      return { items: list.versions, total: list.total_count };
    },
    { limit: query.limit ?? 100, ...pick(options) },
  );
}

export function iterateTrainingJobConfigs(
  api: ModelArtsApi,
  query: Omit<ListTrainingJobConfigsQuery, 'page' | 'per_page'> & { per_page?: number } = {},
  options?: CallOptions & PagingOptions,
): AsyncGenerator<TrainingJobConfig, void, undefined> {
  return paginatePages(
    async (page, per_page) => {
      const list = await api.listTrainingJobConfigs({ ...query, page, per_page }, options);
      return { items: list.configs, total: list.config_total_count };
    },
    { perPage: query.per_page ?? 100, ...pick(options) },
  );
}

export function iterateVisualizationJobs(
  api: ModelArtsApi,
  query: Omit<ListVisualizationJobsQuery, 'page' | 'per_page'> & { per_page?: number } = {},
  options?: CallOptions & PagingOptions,
): AsyncGenerator<VisualizationJob, void, undefined> {
  return paginatePages(
    async (page, per_page) => {
      const list = await api.listVisualizationJobs({ ...query, page, per_page }, options);
      return { items: list.jobs, total: list.job_total_count };
    },
    { perPage: query.per_page ?? 100, ...pick(options) },
  );
}

export function iterateProcessorTasks(
  api: ModelArtsApi,
  query: Omit<ListProcessorTasksQuery, 'offset'> = {},
  options?: CallOptions & PagingOptions,
): AsyncGenerator<ProcessorTask, void, undefined> {
  return paginatePageIndex(
    async (offset, limit) => {
      const list = await api.listProcessorTasks({ ...query, offset, limit }, options);
      return { items: list.tasks, total: list.count };
    },
    { limit: query.limit ?? 100, ...pick(options) },
  );
}

function pick(options: PagingOptions | undefined): PagingOptions {
  return options?.maxPages !== undefined ? { maxPages: options.maxPages } : {};
}
