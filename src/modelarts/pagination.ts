/**
 * Async iterators over ModelArts' paging conventions (notes §6.6, v2 §3):
 * - page/per_page, pages from 1 (training jobs, configs, visualization jobs, versions of a job);
 * - offset/limit with offset counting rows and limit 0 meaning "everything in one answer" (all-versions statuses);
 * - processor tasks, whose `offset` is a page index from 0;
 * - the v2 job search: `offset` a page index by the docs, a record offset by some sources, so it pages defensively.
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
import { MAX_SEARCH_LIMIT, type SearchTrainingJobsQuery, type TrainingJobV2 } from './resources/training-jobs-v2.js';
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

/** One page of a search: its rows and the number of matches the server reports. */
export interface SearchPage<T> {
  items: T[];
  count: number | null;
}

/**
 * The v2 search, paged defensively (notes v2 §3): `offset` = 0, 1, 2… as a page index until a short page or
 * `(offset + 1) · limit >= count`; rows de-duplicated by id; a page that adds no new id ends it.
 *
 * Beyond §3: a server that counts `offset` in records answers offset 1 with the first page shifted by one row. Left as
 * it is, the page-index stop rule then ends after ⌈count/limit⌉ pages holding little more than the first page, and
 * the rest of the jobs would silently be missing. So when the second page mostly repeats the first, the pager
 * continues with record offsets (the number of distinct rows seen) and stops at `offset >= count` instead.
 */
export async function* paginateSearch<T>(
  fetchPage: (offset: number, limit: number) => Promise<SearchPage<T>>,
  idOf: (item: T) => string,
  options: PagingOptions & { limit?: number; concurrency?: number } = {},
): AsyncGenerator<T, void, undefined> {
  const limit = Math.min(MAX_SEARCH_LIMIT, Math.max(1, options.limit ?? MAX_SEARCH_LIMIT));
  const maxPages = options.maxPages ?? 10_000;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const seen = new Set<string>();
  // Pages asked for ahead of their turn (page-index mode only, once the second page confirmed it): at 50 rows a page,
  // 500 active jobs are 10 round trips one after another, which a poll cycle cannot afford at a short interval.
  const ahead = new Map<number, Promise<SearchPage<T>>>();
  const ask = (page: number): Promise<SearchPage<T>> => {
    let answer = ahead.get(page);
    if (!answer) {
      answer = fetchPage(page, limit);
      // Awaited in turn; one left over when the paging stops early must not surface as unhandled.
      answer.catch(() => undefined);
      ahead.set(page, answer);
    }
    return answer;
  };
  let offset = 0;
  let records = false;
  let known: number | null = null;
  for (let i = 0; i < maxPages; i++) {
    if (i >= 2 && !records && concurrency > 1 && known !== null) {
      const last = Math.min(Math.ceil(known / limit), maxPages) - 1;
      for (let page = offset; page <= Math.min(last, offset + concurrency - 1); page++) ask(page);
    }
    const answer = ahead.has(offset) ? await ask(offset) : await fetchPage(offset, limit);
    ahead.delete(offset);
    const { items, count } = answer;
    known = count;
    let fresh = 0;
    for (const item of items) {
      const id = idOf(item);
      if (seen.has(id)) continue;
      seen.add(id);
      fresh++;
      yield item;
    }
    if (i === 1 && !records && items.length - fresh > items.length / 2) records = true;
    if (items.length === 0 || fresh === 0 || items.length < limit) return;
    if (records) {
      offset = seen.size;
      if (count !== null && offset >= count) return;
    } else {
      if (count !== null && (offset + 1) * limit >= count) return;
      offset++;
    }
  }
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

/** Every v2 job matching the query, across pages (see paginateSearch). */
export function iterateTrainingJobsV2(
  api: ModelArtsApi,
  query: Omit<SearchTrainingJobsQuery, 'offset'> = {},
  /** `concurrency`: pages in flight at once once the paging convention is known (default 1). */
  options?: CallOptions & PagingOptions & { concurrency?: number },
): AsyncGenerator<TrainingJobV2, void, undefined> {
  return paginateSearch(
    async (offset, limit) => {
      const page = await api.searchTrainingJobs({ ...query, offset, limit }, options);
      return { items: page.items, count: page.count };
    },
    // Rows without an id were dropped by the schema.
    (job) => job.metadata.id ?? '',
    {
      limit: query.limit ?? MAX_SEARCH_LIMIT,
      ...pick(options),
      ...(options?.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    },
  );
}

function pick(options: PagingOptions | undefined): PagingOptions {
  return options?.maxPages !== undefined ? { maxPages: options.maxPages } : {};
}
