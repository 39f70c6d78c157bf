import { Inject, Injectable, SetMetadata } from '@nestjs/common';
import { safeGet } from '../kernel/safe-access';
import { RESOLVED_OPTIONS } from '../kernel/tokens';
import type { FilterSettings } from './filter.settings';
import { OperationFailures, type PublicFailure } from './operation-failures';
import { contextRequest } from '../kernel/graphql-context';
import type { HttpRequestLike } from './http-request.interface';
import { answerExtensions, GRAPHQL_ANSWER, graphqlRequestId } from './transport-answers';

/**
 * The metadata @nestjs/apollo's `@Plugin()` writes: its driver adds every provider carrying it to
 * Apollo Server's plugins. Written here by its value, so the library needs no GraphQL package.
 */
const APOLLO_PLUGIN_METADATA = 'graphql:plugin';

/** An error as Apollo hands it to plugins: graphql-js's `GraphQLError`. */
interface GraphQLErrorLike {
  message: string;
  originalError?: unknown;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** An error in a response's `errors[]`, once Apollo (and an app's `formatError`) formatted it. */
interface FormattedErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The parts of Apollo Server's request context (4 and 5) the plugin reads. */
interface GraphQLRequestContextLike {
  contextValue?: unknown;
  operation?: { operation?: string; name?: { value?: string } };
  request?: { operationName?: string | null };
  errors?: readonly GraphQLErrorLike[];
  response?: {
    body?:
      | { kind: 'single'; singleResult: { errors?: FormattedErrorLike[] } }
      | { kind: 'incremental'; initialResult: { errors?: FormattedErrorLike[] } };
  };
}

interface RequestListener {
  didEncounterErrors(context: GraphQLRequestContextLike): Promise<void>;
  willSendResponse(context: GraphQLRequestContextLike): Promise<void>;
}

/**
 * Faultline's Apollo Server plugin, found by @nestjs/apollo's driver. Resolver failures are
 * answered by the exception filter; this handles the rest of a GraphQL response's errors the
 * same way (a document that does not parse or validate, variables of the wrong type, a field
 * resolved outside Nest's resolvers, a non-null field that came back null): mapped by the
 * registry, logged on the request's one line, counted and alerted. And it gives every error in
 * `errors[]` the request id, and strips Apollo's `stacktrace` outside debug mode (Apollo adds
 * one whenever NODE_ENV is not `production`).
 */
@SetMetadata(APOLLO_PLUGIN_METADATA, true)
@Injectable()
export class FaultlineApolloPlugin {
  /** Answers for errors this plugin handled, by the error Apollo reported. */
  private readonly answers = new WeakMap<object, PublicFailure>();
  /** One listener for every request: it keeps nothing of its own per request. */
  private readonly listener: RequestListener = {
    didEncounterErrors: (context) => Promise.resolve(this.encountered(context)),
    willSendResponse: (context) => Promise.resolve(this.sending(context)),
  };

  constructor(
    private readonly operations: OperationFailures,
    @Inject(RESOLVED_OPTIONS) private readonly options: FilterSettings,
  ) {}

  /** Apollo Server's hook: the listener of one request. */
  requestDidStart(): Promise<RequestListener> {
    return Promise.resolve(this.listener);
  }

  private encountered(context: GraphQLRequestContextLike): void {
    const errors = context.errors;
    if (!errors) return;
    const request = contextRequest(context.contextValue) as HttpRequestLike | undefined;
    for (const error of errors) {
      if (typeof error !== 'object' || error === null) continue;
      const original = error.originalError;
      // A resolver's failure: the filter has answered (and logged) it already.
      if (original && safeGet(original, GRAPHQL_ANSWER) === true) continue;
      // An error with a code of its own (Apollo's GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT, a
      // GraphQLError thrown with one) is judged by it; else what was thrown under it is.
      const coded = typeof error.extensions?.code === 'string';
      try {
        const answer = this.operations.handle(coded || !original ? error : original, {
          operation: { transport: 'graphql', name: typeName(context.operation?.operation) },
          requestId: graphqlRequestId(request),
          request,
          route: operationLabel(context),
        });
        this.answers.set(error, answer);
      } catch {
        // A failure of Faultline's own must not change Apollo's answer.
      }
    }
  }

  private sending(context: GraphQLRequestContextLike): void {
    const body = context.response?.body;
    const formatted =
      body?.kind === 'single'
        ? body.singleResult.errors
        : body?.kind === 'incremental'
          ? body.initialResult.errors
          : undefined;
    if (!formatted || formatted.length === 0) return;
    const originals = context.errors ?? [];
    const debug = this.options.debug;
    let requestId: string | undefined;
    for (let i = 0; i < formatted.length; i++) {
      const error = formatted[i];
      if (typeof error !== 'object' || error === null) continue;
      // Apollo formats the errors it reported, in the same order.
      const original = originals[i];
      const answer = original ? this.answers.get(original) : undefined;
      let extensions: Record<string, unknown> = { ...(error.extensions ?? {}) };
      if (answer) {
        error.message = answer.message;
        // A server error's own extensions may say what the message did: only Faultline's remain.
        extensions =
          answer.status < 500 ? { ...extensions, ...answerExtensions(answer) } : answerExtensions(answer);
      }
      if (!debug) delete extensions.stacktrace;
      if (typeof extensions.requestId !== 'string') {
        requestId ??= graphqlRequestId(contextRequest(context.contextValue) as HttpRequestLike | undefined);
        extensions.requestId = requestId;
      }
      error.extensions = extensions;
    }
  }
}

/** `Query`, `Mutation`, `Subscription`: the schema's root type, or `Operation` before one is known. */
function typeName(operation: string | undefined): string {
  if (operation === 'query') return 'Query';
  if (operation === 'mutation') return 'Mutation';
  if (operation === 'subscription') return 'Subscription';
  return 'Operation';
}

/** `query GetNotification`, as the request line's route. */
function operationLabel(context: GraphQLRequestContextLike): string {
  const kind = context.operation?.operation ?? 'operation';
  const name = context.operation?.name?.value ?? context.request?.operationName ?? '(anonymous)';
  return `${kind} ${typeof name === 'string' ? name.slice(0, 100) : '(anonymous)'}`;
}
