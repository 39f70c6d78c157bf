import { Body, Controller, Get, NotFoundException, Param, ParseIntPipe, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsNotEmpty, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { join } from 'node:path';
import { AppError, NotFoundError, PermissionDeniedError, UnauthenticatedError } from 'nestjs-faultline';
import { startFixture, type FixtureApp } from './support/fixture-app';

enum Channel {
  Email = 'email',
  Sms = 'sms',
}

class RecipientDto {
  @IsString()
  name!: string;
}

class CreateNotificationDto {
  @IsNotEmpty()
  @MaxLength(20)
  title!: string;

  @IsInt()
  @Min(1)
  priority!: number;

  @IsEnum(Channel)
  channel!: Channel;

  @IsString({ each: true })
  tags!: string[];

  @ValidateNested({ each: true })
  @Type(() => RecipientDto)
  recipients!: RecipientDto[];
}

@Controller()
class NotificationsController {
  @Post('notifications')
  create(@Body() dto: CreateNotificationDto) {
    return dto;
  }
  @Get('notifications/:id')
  find(@Param('id', ParseIntPipe) id: number): never {
    throw new NotFoundError('Notification', id);
  }
  @Get('me')
  me(): never {
    throw new UnauthenticatedError();
  }
  @Get('admin')
  admin(): never {
    throw new PermissionDeniedError('Only owners may see this');
  }
  @Get('coupon')
  coupon(): never {
    throw new AppError('Coupon SUMMER has expired', 'COUPON_EXPIRED', {
      status: 410,
      messageKey: 'coupon.expired',
      messageParams: { coupon: 'SUMMER' },
    });
  }
  @Get('nest-404')
  nest404(): never {
    throw new NotFoundException();
  }
  @Get('boom')
  boom(): never {
    throw new Error('Kaboom: SELECT password_hash FROM users failed at /srv/app/src/secret.ts:42');
  }
}

/** The English texts a Korean client must not get where Korean ones exist. */
const ENGLISH = [
  'The request has invalid fields',
  'should not be empty',
  'must be',
  'each value in',
  'not found',
  'Not Found',
  'Authentication is required',
  'An unexpected error occurred',
  'Internal Server Error',
  'Validation failed',
  'not valid JSON',
  'Cannot GET',
  'Request ID',
  'Field errors',
];

function expectNoEnglish(text: string): void {
  for (const english of ENGLISH) expect([english, text.includes(english)]).toEqual([english, false]);
}

describe('a Korean client (Accept-Language: ko)', () => {
  let f: FixtureApp;
  beforeAll(async () => {
    f = await startFixture([NotificationsController], {
      debug: false,
      catalogs: { ko: { messages: { 'coupon.expired': '쿠폰 {coupon}의 사용 기간이 지났습니다.' } } },
    });
  });
  afterAll(() => f.close());

  const get = (path: string) => f.http().get(path).set('Accept-Language', 'ko-KR,ko;q=0.9,en;q=0.5');

  it('gets a validation failure in Korean: title, detail and every field text', async () => {
    const res = await f
      .http()
      .post('/notifications')
      .set('Accept-Language', 'ko')
      .send({
        title: '',
        priority: 0,
        channel: 'fax',
        tags: ['ok', 7],
        recipients: [{ name: 5 }, 'nobody'],
        isAdmin: true,
      });

    expect(res.status).toBe(400);
    expect(res.headers['content-language']).toBe('ko');
    expect(res.body).toMatchObject({
      title: '잘못된 요청',
      detail: '요청에 올바르지 않은 필드가 있습니다.',
      code: 'VALIDATION_ERROR',
    });
    const details = Object.fromEntries(
      (res.body.errors as { pointer: string; detail: string }[]).map((e) => [e.pointer, e.detail]),
    );
    expect(details).toEqual({
      '#/isAdmin': 'isAdmin 필드는 허용되지 않습니다.',
      '#/title': 'title 필드는 비어 있을 수 없습니다.',
      '#/priority': 'priority 필드는 1보다 작을 수 없습니다.',
      '#/channel': 'channel 필드는 다음 값 중 하나여야 합니다: email, sms',
      '#/tags': 'tags 필드의 각 요소는 문자열이어야 합니다.',
      '#/recipients/0/name': 'name 필드는 문자열이어야 합니다.',
      '#/recipients/1': 'recipients 필드의 각 요소는 객체나 배열이어야 합니다.',
    });
    expectNoEnglish(JSON.stringify(res.body));
    // Neither the rejected values nor the catalog's keys reach the client.
    expect(JSON.stringify(res.body)).not.toMatch(/fax|nobody|messageKey|messageParams/);
  });

  it('gets the same failure in English, as class-validator says it, without Accept-Language', async () => {
    const res = await f
      .http()
      .post('/notifications')
      .send({ title: '', priority: 1, channel: 'sms', tags: [], recipients: [] });

    expect(res.body.errors).toEqual([
      { pointer: '#/title', field: 'title', code: 'isNotEmpty', detail: 'title should not be empty' },
    ]);
  });

  it("gets a NotFoundError's message in Korean, with its resource and id", async () => {
    const res = await get('/notifications/42');

    expect(res.status).toBe(404);
    expect(res.headers['content-language']).toBe('ko');
    expect(res.body).toMatchObject({
      title: '찾을 수 없음',
      detail: 'Notification 리소스를 찾을 수 없습니다: 42',
      code: 'NOT_FOUND',
    });
    expectNoEnglish(JSON.stringify(res.body));
  });

  it("gets a ParseIntPipe failure, Nest's default 404 and a route that does not exist in Korean", async () => {
    const parse = await get('/notifications/abc');
    const nest = await get('/nest-404');
    const route = await get('/nope?token=secret');

    expect(parse.body).toMatchObject({ status: 400, detail: '검증 실패: 숫자 문자열이어야 합니다.' });
    expect(nest.body).toMatchObject({ status: 404, detail: '리소스를 찾을 수 없습니다.' });
    expect(route.body).toMatchObject({ status: 404, detail: 'GET /nope 경로를 찾을 수 없습니다.' });
    for (const res of [parse, nest, route]) {
      expect(res.headers['content-language']).toBe('ko');
      expectNoEnglish(JSON.stringify(res.body));
    }
    expect(route.text).not.toContain('secret');
  });

  it('gets a body that is not JSON answered in Korean', async () => {
    const res = await f
      .http()
      .post('/notifications')
      .set('Accept-Language', 'ko')
      .set('Content-Type', 'application/json')
      .send('{"title": ');

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'MALFORMED_BODY', detail: '요청 본문이 올바른 JSON이 아닙니다.' });
    expectNoEnglish(JSON.stringify(res.body));
  });

  it("gets a 401 of UnauthenticatedError's default in Korean", async () => {
    const res = await get('/me');

    expect(res.status).toBe(401);
    expect(res.headers['content-language']).toBe('ko');
    expect(res.body).toMatchObject({
      title: '인증 필요',
      detail: '인증이 필요합니다.',
      code: 'UNAUTHENTICATED',
    });
    expectNoEnglish(JSON.stringify(res.body));
  });

  it('gets a 500 in Korean, with nothing of the error itself', async () => {
    const res = await get('/boom');

    expect(res.status).toBe(500);
    expect(res.headers['content-language']).toBe('ko');
    expect(res.body).toMatchObject({ title: '내부 서버 오류', detail: '예기치 않은 오류가 발생했습니다.' });
    expect(JSON.stringify(res.body)).not.toMatch(/Kaboom|password_hash|secret\.ts/);
    expectNoEnglish(JSON.stringify(res.body));
  });

  it("gets the application's own keyed message in Korean from its catalog", async () => {
    const res = await get('/coupon');

    expect(res.status).toBe(410);
    expect(res.headers['content-language']).toBe('ko');
    expect(res.body).toMatchObject({
      title: '더 이상 존재하지 않음',
      detail: '쿠폰 SUMMER의 사용 기간이 지났습니다.',
    });
  });

  it('keeps a message the application wrote without a key as it is, beside the Korean title', async () => {
    const res = await get('/admin');

    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ title: '접근 거부', detail: 'Only owners may see this' });
  });

  it('gets the HTML page in Korean: its language, title, detail, labels and field texts', async () => {
    const res = await f
      .http()
      .post('/notifications')
      .set('Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
      .set('Accept-Language', 'ko')
      .send({ title: '', priority: 1, channel: 'sms', tags: [3], recipients: [] });

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<html lang="ko">');
    expect(res.text).toContain('<title>400 잘못된 요청</title>');
    expect(res.text).toContain('요청에 올바르지 않은 필드가 있습니다.');
    for (const label of ['코드', '요청 ID', '필드 오류']) expect(res.text).toContain(label);
    expect(res.text).toContain('title 필드는 비어 있을 수 없습니다.');
    expect(res.text).toContain('tags 필드의 각 요소는 문자열이어야 합니다.');
    expectNoEnglish(res.text);
  });

  it('gets the text page in Korean', async () => {
    const res = await get('/notifications/7').set('Accept', 'text/plain');

    expect(res.text).toMatch(
      /^404 찾을 수 없음\nNotification 리소스를 찾을 수 없습니다: 7\n코드: NOT_FOUND\n요청 ID: /,
    );
  });
});

describe('a language added from a JSON file (docs/examples/catalog.ja.json)', () => {
  let f: FixtureApp;
  beforeAll(async () => {
    f = await startFixture([NotificationsController], {
      debug: false,
      catalogs: { ja: join(__dirname, '..', 'docs', 'examples', 'catalog.ja.json') },
    });
  });
  afterAll(() => f.close());

  it('answers a Japanese client in Japanese, field texts included', async () => {
    const res = await f
      .http()
      .post('/notifications')
      .set('Accept-Language', 'ja-JP')
      .send({ title: '', priority: 1, channel: 'sms', tags: [], recipients: [] });
    const missing = await f.http().get('/notifications/42').set('Accept-Language', 'ja');

    expect(res.headers['content-language']).toBe('ja');
    expect(res.body).toMatchObject({
      title: '不正なリクエスト',
      detail: 'リクエストに不正なフィールドがあります。',
      errors: [expect.objectContaining({ pointer: '#/title', detail: '「title」は空にできません。' })],
    });
    expect(missing.body.detail).toBe('Notification が見つかりません: 42');
  });
});
