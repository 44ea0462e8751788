/** Visualization (TensorBoard) jobs, v1. `service_url` is the TensorBoard link. */
import { z } from 'zod';
import type { CallOptions, ModelArtsClient } from '../client.js';
import { validateJobId } from '../ids.js';
import type { ListAnswer } from '../lenient.js';
import { optDuration, optString, optTime, reqId, reqNumber } from '../lenient.js';
import { jobListQuery, jobListSchema, type SortOrder } from './training-jobs.js';

export const VisualizationJobSchema = z.looseObject({
  job_id: reqId(),
  job_name: optString(),
  job_desc: optString(),
  status: reqNumber(),
  create_time: optTime(),
  duration: optDuration(),
  service_url: optString(),
  train_url: optString(),
  resource_id: optString(),
});
export type VisualizationJob = z.infer<typeof VisualizationJobSchema>;

export const VisualizationJobListSchema = jobListSchema(VisualizationJobSchema);
export type VisualizationJobList = ListAnswer<z.infer<typeof VisualizationJobListSchema>>;

export interface ListVisualizationJobsQuery {
  status?: number | string;
  /** 1–1000, default 10. */
  per_page?: number;
  /** Default 1. */
  page?: number;
  /** Default job_id. */
  sortBy?: 'job_id' | 'job_name' | 'job_desc' | 'create_time' | 'status';
  /** Default asc. */
  order?: SortOrder;
  search_content?: string;
  workspace_id?: string;
}

export async function getVisualizationJob(
  client: ModelArtsClient,
  jobId: string | number,
  options?: CallOptions,
): Promise<VisualizationJob> {
  const job_id = validateJobId(jobId);
  return client.get(
    { template: '/v1/{project_id}/visualization-jobs/{job_id}', params: { job_id }, schema: VisualizationJobSchema },
    options,
  );
}

export async function listVisualizationJobs(
  client: ModelArtsClient,
  query: ListVisualizationJobsQuery = {},
  options?: CallOptions,
): Promise<VisualizationJobList> {
  return client.get(
    {
      template: '/v1/{project_id}/visualization-jobs',
      query: jobListQuery(query),
      schema: VisualizationJobListSchema,
      availability: { listing: true },
      list: true,
    },
    options,
  );
}
