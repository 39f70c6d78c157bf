import type { ExceptionType } from '../errors/exception-mapper.interface';
import type { MessageCatalog } from './message-catalog.interface';
import type { CompatMode, HtmlRenderer, ResponseFormatter } from './problem-details.interface';
import type { ProblemFormat } from './content-negotiation';

/**
 * What the exception filter, its problem builder and the request id middleware read of the
 * module's resolved options (injected as `RESOLVED_OPTIONS`): the filter depends on this, not on
 * the whole of the options.
 */
export interface FilterSettings {
  debug: boolean;
  problemTypeBaseUrl: string | undefined;
  responseFormatter: ResponseFormatter | undefined;
  catalogs: Map<string, MessageCatalog>;
  defaultLanguage: string;
  expectedErrors: ExceptionType[];
  /** As given, for writing; compare lower-cased. */
  requestIdHeader: string;
  retryAfterSeconds: number;
  compat: CompatMode | undefined;
  /** The formats the filter may answer with; `json` is always one of them. */
  formats: ReadonlySet<ProblemFormat>;
  htmlRenderer: HtmlRenderer | undefined;
  cacheControl: string | false;
}
