/** The parts of a platform request (Express or Fastify) the filter reads. */
export interface HttpRequestLike {
  id?: unknown;
  method?: string;
  url?: string;
  originalUrl?: string;
  headers?: Record<string, string | string[] | undefined>;
}
