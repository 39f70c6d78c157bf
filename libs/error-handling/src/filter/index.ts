export { ProblemDetailsFilter } from './problem-details.filter';
export { ProblemBuilder } from './problem-builder';
export { EN_CATALOG, KO_CATALOG, BUILT_IN_CATALOGS, missingCatalogKeys } from './message-catalogs';
export type { MessageCatalog, MessageCatalogInput } from './message-catalog.interface';
export type {
  ProblemContext,
  ProblemDetails,
  ProblemDebugInfo,
  ResponseFormatter,
} from './problem-details.interface';
export { REQUEST_ID_PATTERN, ensureRequestId } from '../kernel/request-id';
export { negotiateFormat, negotiateLanguage, type ProblemFormat } from './content-negotiation';
export type { SseErrorData } from './sse-streams';
