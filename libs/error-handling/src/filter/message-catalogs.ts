import type { MessageCatalog, MessageCatalogInput } from './message-catalog.interface';

/** English, the fallback for every missing entry. */
export const EN_CATALOG: MessageCatalog = {
  titles: {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    406: 'Not Acceptable',
    408: 'Request Timeout',
    409: 'Conflict',
    410: 'Gone',
    412: 'Precondition Failed',
    413: 'Content Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Content',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    501: 'Not Implemented',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  },
  details: {
    BAD_REQUEST: 'The request is not valid.',
    VALIDATION_ERROR: 'The request has invalid fields.',
    MALFORMED_BODY: 'The request body could not be parsed.',
    UNAUTHENTICATED: 'Authentication is required.',
    PERMISSION_DENIED: 'You do not have permission to do this.',
    NOT_FOUND: 'The requested resource was not found.',
    CONFLICT: 'The request conflicts with the current state of the resource.',
    PAYLOAD_TOO_LARGE: 'The request body is too large.',
    UNSUPPORTED_MEDIA_TYPE: 'The request media type is not supported.',
    RATE_LIMITED: 'Too many requests. Try again later.',
    CLIENT_ERROR: 'The request could not be processed.',
    INTERNAL_ERROR: 'An unexpected error occurred.',
    NOT_IMPLEMENTED: 'This operation is not implemented.',
    BAD_GATEWAY: 'An upstream service returned an invalid response.',
    SERVICE_UNAVAILABLE: 'The service is temporarily unavailable. Try again later.',
    RETRYABLE: 'A temporary conflict occurred. Retry the request.',
    DEPENDENCY_UNAVAILABLE: 'A service this request depends on is unavailable. Try again later.',
    GATEWAY_TIMEOUT: 'An upstream service did not answer in time.',
  },
  labels: {
    code: 'Code',
    requestId: 'Request ID',
    status: 'Status',
    fieldErrors: 'Field errors',
    debug: 'Debug information (shown because debug mode is on)',
  },
};

/** Korean. */
export const KO_CATALOG: MessageCatalog = {
  titles: {
    400: '잘못된 요청',
    401: '인증 필요',
    403: '접근 거부',
    404: '찾을 수 없음',
    405: '허용되지 않는 메서드',
    406: '허용되지 않는 형식',
    408: '요청 시간 초과',
    409: '충돌',
    410: '더 이상 존재하지 않음',
    412: '전제 조건 실패',
    413: '요청 본문이 너무 큼',
    415: '지원하지 않는 미디어 타입',
    422: '처리할 수 없는 요청',
    429: '요청이 너무 많음',
    500: '내부 서버 오류',
    501: '구현되지 않음',
    502: '잘못된 게이트웨이',
    503: '서비스를 사용할 수 없음',
    504: '게이트웨이 시간 초과',
  },
  details: {
    BAD_REQUEST: '요청이 올바르지 않습니다.',
    VALIDATION_ERROR: '요청에 올바르지 않은 필드가 있습니다.',
    MALFORMED_BODY: '요청 본문을 해석할 수 없습니다.',
    UNAUTHENTICATED: '인증이 필요합니다.',
    PERMISSION_DENIED: '이 작업을 수행할 권한이 없습니다.',
    NOT_FOUND: '요청한 리소스를 찾을 수 없습니다.',
    CONFLICT: '요청이 리소스의 현재 상태와 충돌합니다.',
    PAYLOAD_TOO_LARGE: '요청 본문이 너무 큽니다.',
    UNSUPPORTED_MEDIA_TYPE: '지원하지 않는 미디어 타입입니다.',
    RATE_LIMITED: '요청이 너무 많습니다. 잠시 후 다시 시도하세요.',
    CLIENT_ERROR: '요청을 처리할 수 없습니다.',
    INTERNAL_ERROR: '예기치 않은 오류가 발생했습니다.',
    NOT_IMPLEMENTED: '구현되지 않은 작업입니다.',
    BAD_GATEWAY: '상위 서비스가 올바르지 않은 응답을 보냈습니다.',
    SERVICE_UNAVAILABLE: '서비스를 일시적으로 사용할 수 없습니다. 잠시 후 다시 시도하세요.',
    RETRYABLE: '일시적인 충돌이 발생했습니다. 요청을 다시 시도하세요.',
    DEPENDENCY_UNAVAILABLE: '이 요청에 필요한 서비스를 사용할 수 없습니다. 잠시 후 다시 시도하세요.',
    GATEWAY_TIMEOUT: '상위 서비스가 제시간에 응답하지 않았습니다.',
  },
  labels: {
    code: '코드',
    requestId: '요청 ID',
    status: '상태',
    fieldErrors: '필드 오류',
    debug: '디버그 정보 (디버그 모드가 켜져 있어 표시됨)',
  },
};

/** The catalogs that ship: `en` and `ko`. */
export const BUILT_IN_CATALOGS: Readonly<Record<string, MessageCatalog>> = { en: EN_CATALOG, ko: KO_CATALOG };

/**
 * Merges built-in and user catalogs. A user catalog for a shipped language overrides its
 * entries; a new language falls back to English entry by entry.
 */
export function buildCatalogs(user: Record<string, MessageCatalogInput> = {}): Map<string, MessageCatalog> {
  const out = new Map<string, MessageCatalog>();
  for (const [lang, catalog] of Object.entries(BUILT_IN_CATALOGS)) out.set(lang, catalog);
  for (const [lang, input] of Object.entries(user)) {
    const base = out.get(lang.toLowerCase()) ?? EN_CATALOG;
    out.set(lang.toLowerCase(), {
      titles: { ...EN_CATALOG.titles, ...base.titles, ...input.titles },
      details: { ...EN_CATALOG.details, ...base.details, ...input.details },
      labels: { ...EN_CATALOG.labels, ...base.labels, ...input.labels },
    });
  }
  return out;
}
