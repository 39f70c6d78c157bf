import { Inject, Injectable } from '@nestjs/common';
import type { MappedError } from '../errors/exception-mapper.interface';
import { RESOLVED_OPTIONS } from '../kernel/tokens';
import { Redactor } from '../redaction/redactor';
import type { FilterSettings } from './filter.settings';
import { buildDebugInfo } from './debug-info';
import type { HttpRequestLike } from './http-request.interface';
import { pathOf } from '../kernel/request-context';
import type { MessageCatalog } from './message-catalog.interface';
import type { ProblemDetails } from './problem-details.interface';

/** The members of a problem body that are not extension members. */
export const PROBLEM_MEMBERS: ReadonlySet<string> = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'requestId',
  'errors',
  'debug',
]);

/** Builds RFC 9457 problem bodies from a mapped error; the policy of what a client may see. */
@Injectable()
export class ProblemBuilder {
  private readonly fallbackCatalog: MessageCatalog;
  /** The language all of a built body's texts are in, when they are all in one. */
  private readonly served = new WeakMap<ProblemDetails, string>();

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: FilterSettings,
    private readonly redactor: Redactor,
  ) {
    this.fallbackCatalog = options.catalogs.get(options.defaultLanguage) as MessageCatalog;
  }

  /** The catalog of a language, or the default language's. */
  catalog(language: string): MessageCatalog {
    return this.options.catalogs.get(language) ?? this.fallbackCatalog;
  }

  /**
   * The language every text of `problem` (title, detail, field details) is served in, for the
   * `Content-Language` header; undefined when they are not all in one language (the error's own
   * message, which is in whatever language the application wrote it, beside a translated title).
   */
  servedLanguage(problem: ProblemDetails): string | undefined {
    return this.served.get(problem);
  }

  /**
   * The body for one failure. The error's own message is shown only when it is exposed
   * (below 500, or `expose: true`); otherwise the catalog's fixed detail for the code is.
   */
  build(
    mapped: MappedError,
    exception: unknown,
    req: HttpRequestLike,
    requestId: string,
    language: string,
  ): ProblemDetails {
    const catalog = this.catalog(language);
    const exposed = mapped.expose ?? mapped.status < 500;
    const problem: ProblemDetails = {
      type: this.options.problemTypeBaseUrl
        ? `${this.options.problemTypeBaseUrl}/${kebab(mapped.code)}`
        : 'about:blank',
      title:
        catalog.titles[mapped.status] ??
        this.fallbackCatalog.titles[mapped.status] ??
        titleForClass(mapped.status, catalog),
      status: mapped.status,
      detail: this.detail(mapped, exposed, catalog),
      instance: this.redactor.redactString(pathOf(req)),
      code: mapped.code,
      requestId,
    };
    if (exposed && mapped.details) {
      const details = this.redactor.redact(mapped.details);
      for (const [k, v] of Object.entries(details)) if (!PROBLEM_MEMBERS.has(k)) problem[k] = v;
    }
    if (mapped.fieldErrors?.length) {
      problem.errors = mapped.fieldErrors.map((e) => ({
        ...e,
        detail: this.redactor.redactString(e.detail),
      }));
    }
    if (this.options.debug) problem.debug = buildDebugInfo(exception, req, this.redactor);
    // Only texts of a catalog are known to be in its language: the catalog's title and fixed
    // detail, with no message of the application's beside them.
    const ownTexts = (exposed && typeof mapped.message === 'string' && mapped.message !== '') || problem.errors;
    if (!ownTexts && this.options.catalogs.has(language)) this.served.set(problem, language);
    return problem;
  }

  private detail(mapped: MappedError, exposed: boolean, catalog: MessageCatalog): string {
    if (exposed && typeof mapped.message === 'string' && mapped.message !== '') {
      return this.redactor.redactString(mapped.message);
    }
    return (
      catalog.details[mapped.code] ??
      this.fallbackCatalog.details[mapped.code] ??
      (mapped.status >= 500 ? catalog.details.INTERNAL_ERROR : catalog.details.CLIENT_ERROR)
    );
  }
}

function kebab(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

function titleForClass(status: number, catalog: MessageCatalog): string {
  return status >= 500 ? catalog.titles[500] : catalog.titles[400];
}
