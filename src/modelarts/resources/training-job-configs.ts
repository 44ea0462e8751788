/** Training job parameter configurations (v1, "Historical APIs"). */
import { z } from 'zod';
import type { CallOptions, ModelArtsClient } from '../client.js';
import type { ListAnswer } from '../lenient.js';
import { optId, optNumber, optString, optTime, rowsOf } from '../lenient.js';
import type { SortOrder } from './training-jobs.js';

export const TrainingJobConfigSchema = z.looseObject({
  config_name: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string()),
  config_desc: optString(),
  create_time: optTime(),
  engine_type: optNumber(),
  engine_name: optString(),
  engine_id: optId(),
  engine_version: optString(),
  user_image_url: optString(),
  user_command: optString(),
});
export type TrainingJobConfig = z.infer<typeof TrainingJobConfigSchema>;

export const TrainingJobConfigListSchema = z
  .looseObject({
    config_total_count: optNumber(),
    configs: rowsOf(TrainingJobConfigSchema),
  })
  .transform((v) => ({
    ...v,
    configs: v.configs.items,
    dropped: v.configs.dropped,
    config_total_count: v.config_total_count ?? v.configs.items.length,
  }));
export type TrainingJobConfigList = ListAnswer<z.infer<typeof TrainingJobConfigListSchema>>;

export interface ListTrainingJobConfigsQuery {
  /** 1–1000, default 10. */
  per_page?: number;
  /** Default 1. */
  page?: number;
  /** Default config_name; create_time is not allowed with config_type=sample. */
  sortBy?: 'config_name' | 'config_desc' | 'create_time';
  /** Default desc. */
  order?: SortOrder;
  search_content?: string;
  /** Default custom. */
  config_type?: 'custom' | 'sample';
}

export async function listTrainingJobConfigs(
  client: ModelArtsClient,
  query: ListTrainingJobConfigsQuery = {},
  options?: CallOptions,
): Promise<TrainingJobConfigList> {
  return client.get(
    {
      // Documented under "Request Body" but these are query parameters (notes §6.7).
      template: '/v1/{project_id}/training-job-configs',
      query: {
        per_page: query.per_page,
        page: query.page,
        sortBy: query.sortBy,
        order: query.order,
        search_content: query.search_content,
        config_type: query.config_type,
      },
      schema: TrainingJobConfigListSchema,
      availability: { listing: true },
      list: true,
    },
    options,
  );
}
