import { Inject, Injectable } from '@nestjs/common';
import type { MappedError } from '../errors/exception-mapper.interface';
import type { FieldError } from '../errors/field-error.interface';
import { type MessageParams, renderTemplate } from '../errors/message-template';
import { RESOLVED_OPTIONS } from '../kernel/tokens';
import { Redactor } from '../redaction/redactor';
import type { FilterSettings } from './filter.settings';
import { buildDebugInfo } from './debug-info';
import type { HttpRequestLike } from './http-request.interface';
import { pathOf } from '../kernel/request-context';
import { CompiledCatalog } from './compiled-catalog';
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

/**
 * Builds RFC 9457 problem bodies from a mapped error; the policy of what a client may see.
 *
 * Texts come from the negotiated language's catalog: the title by status, a fixed detail by code,
 * and, for a shown message or a field error that carries a message key, the catalog's text for
 * that key with its values filled in. A message without a key (the application's own words), or
 * one whose key the catalog lacks, is shown as written.
 */
@Injectable()
export class ProblemBuilder {
  private readonly fallbackCatalog: MessageCatalog;
  private readonly fallbackTexts: CompiledCatalog;
  /** Each language's catalog, its templates compiled once. */
  private readonly texts = new Map<string, CompiledCatalog>();
  /**
   * The last body built with all its texts in one language, and that language. The filter asks
   * for it right after building the body; one slot costs less than a WeakMap entry for every
   * failure (a WeakMap's entries are more work for every young-generation collection).
   */
  private servedProblem: ProblemDetails | undefined;
  private servedIn = '';

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: FilterSettings,
    private readonly redactor: Redactor,
  ) {
    for (const [language, catalog] of options.catalogs)
      this.texts.set(language, new CompiledCatalog(catalog));
    this.fallbackTexts = this.texts.get(options.defaultLanguage) as CompiledCatalog;
    this.fallbackCatalog = this.fallbackTexts.catalog;
  }

  /** The catalog of a language, or the default language's. */
  catalog(language: string): MessageCatalog {
    return this.options.catalogs.get(language) ?? this.fallbackCatalog;
  }

  /**
   * The language every text of `problem` (title, detail, field details) is served in, for the
   * `Content-Language` header; undefined when they are not all in one language: the error's own
   * message or field text (in whatever language the application wrote it) beside a translated
   * title, or a text a catalog took from English. Known for the body {@link build} made last.
   */
  servedLanguage(problem: ProblemDetails): string | undefined {
    return problem === this.servedProblem ? this.servedIn : undefined;
  }

  /**
   * The body for one failure. The error's own message is shown only when it is exposed
   * (below 500, or `expose: true`), in the catalog's words when it has a message key the catalog
   * knows; otherwise the catalog's fixed detail for the code is.
   */
  build(
    mapped: MappedError,
    exception: unknown,
    req: HttpRequestLike,
    requestId: string,
    language: string,
  ): ProblemDetails {
    const texts = this.texts.get(language) ?? this.fallbackTexts;
    const catalog = texts.catalog;
    const exposed = mapped.expose ?? mapped.status < 500;
    // Only texts of the language's own catalog are known to be in its language.
    let inLanguage = this.texts.has(language);
    let title = catalog.titles[mapped.status];
    if (title !== undefined) {
      inLanguage &&= texts.owns('titles', mapped.status);
    } else if (this.fallbackCatalog.titles[mapped.status] !== undefined) {
      title = this.fallbackCatalog.titles[mapped.status];
      inLanguage &&= this.fallbackTexts === texts;
    } else {
      const byClass = mapped.status >= 500 ? 500 : 400;
      title = catalog.titles[byClass];
      inLanguage &&= texts.owns('titles', byClass);
    }
    const template =
      exposed && mapped.messageKey !== undefined ? texts.messages.get(mapped.messageKey) : undefined;
    let detail: string;
    if (template !== undefined) {
      detail = this.redactor.redactString(renderTemplate(template, mapped.messageParams));
      inLanguage &&= texts.owns('messages', mapped.messageKey as string);
    } else if (exposed && typeof mapped.message === 'string' && mapped.message !== '') {
      detail = this.redactor.redactString(mapped.message);
      inLanguage = false;
    } else {
      const code = mapped.code;
      if (catalog.details[code] !== undefined) {
        detail = catalog.details[code];
        inLanguage &&= texts.owns('details', code);
      } else if (this.fallbackCatalog.details[code] !== undefined) {
        detail = this.fallbackCatalog.details[code];
        inLanguage &&= this.fallbackTexts === texts;
      } else {
        const byClass = mapped.status >= 500 ? 'INTERNAL_ERROR' : 'CLIENT_ERROR';
        detail = catalog.details[byClass];
        inLanguage &&= texts.owns('details', byClass);
      }
    }
    const problem: ProblemDetails = {
      type: this.options.problemTypeBaseUrl
        ? `${this.options.problemTypeBaseUrl}/${kebab(mapped.code)}`
        : 'about:blank',
      title,
      status: mapped.status,
      detail,
      instance: this.redactor.redactString(pathOf(req)),
      code: mapped.code,
      requestId,
    };
    if (exposed && mapped.details) {
      const details = this.redactor.redact(mapped.details);
      for (const [k, v] of Object.entries(details)) if (!PROBLEM_MEMBERS.has(k)) problem[k] = v;
    }
    if (mapped.fieldErrors?.length) {
      const errors: FieldError[] = [];
      for (const fieldError of mapped.fieldErrors) {
        const { messageKey, messageParams, ...shown } = fieldError;
        const text = messageKey !== undefined ? texts.fields.get(messageKey) : undefined;
        if (text !== undefined) {
          const each = appliesToEach(messageParams);
          shown.detail = renderTemplate(text, messageParams, each ? texts.each.yes : texts.each.no);
          inLanguage &&=
            texts.owns('fields', messageKey as string) && (!each || texts.owns('labels', 'each'));
        } else {
          inLanguage = false;
        }
        shown.detail = this.redactor.redactString(shown.detail);
        errors.push(shown);
      }
      problem.errors = errors;
    }
    if (this.options.debug) problem.debug = buildDebugInfo(exception, req, this.redactor);
    this.servedProblem = inLanguage ? problem : undefined;
    this.servedIn = language;
    return problem;
  }
}

function kebab(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

/** Whether a field error's values say its rule applies to each value of an array (`each: 1`). */
function appliesToEach(params: MessageParams | undefined): boolean {
  return typeof params === 'object' && params !== null && Object.hasOwn(params, 'each') && !!params.each;
}
