import { Type } from 'class-transformer';
import * as cv from 'class-validator';
import { ValidationError } from '../errors/app.error';
import { ExceptionRegistry } from '../errors/exception-registry';
import { FIELD_MESSAGES } from '../errors/field-messages';
import { BUILT_IN_MAPPERS } from '../errors/mappers/built-in.mappers';
import type { FieldError } from '../errors/field-error.interface';
import { ProblemBuilder } from '../filter/problem-builder';
import { Redactor } from '../redaction/redactor';
import { resolveOptions } from '../resolve-options';
import { ConstraintMessages } from './constraint-messages';
import { FaultlineValidationPipe, toFieldErrors } from './validation.pipe';

const pipe = new FaultlineValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);
const options = resolveOptions({ debug: false }, {});
const builder = new ProblemBuilder(options, new Redactor(options.redaction));
const HANGUL = /[\uac00-\ud7a3]/;

/** A DTO class whose one property `value` carries `decorators`. */
function dtoWith(...decorators: PropertyDecorator[]): new () => object {
  class Dto {
    value?: unknown;
  }
  for (const decorate of decorators) decorate(Dto.prototype, 'value');
  return Dto;
}

async function fieldErrorsOf(metatype: new () => object, body: object): Promise<FieldError[]> {
  const error = await pipe.transform(body, { type: 'body', metatype }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fieldErrors ?? [];
}

/** A validation failure as the pipe makes it, with `errors`. */
function failure(errors: FieldError[]): ValidationError {
  return new ValidationError('The request has invalid fields', errors, {
    messageKey: 'validation.invalidFields',
  });
}

/** The body a client gets in `language` for the validation failure `error`. */
function answer(error: ValidationError, language: string) {
  const problem = builder.build(registry.resolve(error), error, { url: '/x' }, 'r1', language);
  return { problem, served: builder.servedLanguage(problem) };
}

enum Color {
  Red = 'red',
  Blue = 'blue',
}

/** Every built-in decorator of class-validator with a value it rejects. */
const DECORATORS: [name: string, decorator: PropertyDecorator, rejected: unknown][] = [
  ['IsDefined', cv.IsDefined(), undefined],
  ['IsLatLong', cv.IsLatLong(), 'x'],
  ['IsLatitude', cv.IsLatitude(), 'x'],
  ['IsLongitude', cv.IsLongitude(), 'x'],
  ['Equals', cv.Equals('yes'), 'no'],
  ['NotEquals', cv.NotEquals('no'), 'no'],
  ['IsEmpty', cv.IsEmpty(), 'x'],
  ['IsNotEmpty', cv.IsNotEmpty(), ''],
  ['IsIn', cv.IsIn(['a', 'b']), 'c'],
  ['IsNotIn', cv.IsNotIn(['a', 'b']), 'a'],
  ['IsDivisibleBy', cv.IsDivisibleBy(3), 4],
  ['IsPositive', cv.IsPositive(), -1],
  ['IsNegative', cv.IsNegative(), 1],
  ['Max', cv.Max(10), 11],
  ['Min', cv.Min(1), 0],
  ['MinDate', cv.MinDate(new Date('2020-01-01T00:00:00Z')), new Date('2019-01-01T00:00:00Z')],
  ['MaxDate', cv.MaxDate(new Date('2020-01-01T00:00:00Z')), new Date('2021-01-01T00:00:00Z')],
  ['Contains', cv.Contains('abc'), 'xyz'],
  ['NotContains', cv.NotContains('abc'), 'xabcx'],
  ['IsAlpha', cv.IsAlpha(), '1'],
  ['IsAlphanumeric', cv.IsAlphanumeric(), '!'],
  ['IsDecimal', cv.IsDecimal(), 'x'],
  ['IsAscii', cv.IsAscii(), 'é'],
  ['IsBase32', cv.IsBase32(), '!'],
  ['IsBase58', cv.IsBase58(), '0'],
  ['IsBase64', cv.IsBase64(), '!'],
  ['IsByteLength', cv.IsByteLength(1, 2), 'abcd'],
  ['IsCreditCard', cv.IsCreditCard(), 'x'],
  ['IsCurrency', cv.IsCurrency(), 'x'],
  ['IsEmail', cv.IsEmail(), 'x'],
  ['IsFQDN', cv.IsFQDN(), 'x'],
  ['IsFullWidth', cv.IsFullWidth(), 'a'],
  ['IsHalfWidth', cv.IsHalfWidth(), 'ａ'],
  ['IsVariableWidth', cv.IsVariableWidth(), 'a'],
  ['IsHexColor', cv.IsHexColor(), 'x'],
  ['IsHexadecimal', cv.IsHexadecimal(), 'x'],
  ['IsMACAddress', cv.IsMACAddress(), 'x'],
  ['IsIP', cv.IsIP(), 'x'],
  ['IsPort', cv.IsPort(), 'x'],
  ['IsISBN', cv.IsISBN(), 'x'],
  ['IsISIN', cv.IsISIN(), 'x'],
  ['IsISO8601', cv.IsISO8601(), 'x'],
  ['IsJSON', cv.IsJSON(), '{'],
  ['IsJWT', cv.IsJWT(), 'x'],
  ['IsLowercase', cv.IsLowercase(), 'A'],
  ['IsMobilePhone', cv.IsMobilePhone(), 'x'],
  ['IsISO31661Alpha2', cv.IsISO31661Alpha2(), 'x'],
  ['IsISO31661Alpha3', cv.IsISO31661Alpha3(), 'x'],
  ['IsISO31661Numeric', cv.IsISO31661Numeric(), 'x'],
  ['IsMongoId', cv.IsMongoId(), 'x'],
  ['IsMultibyte', cv.IsMultibyte(), 'a'],
  ['IsSurrogatePair', cv.IsSurrogatePair(), 'a'],
  ['IsUrl', cv.IsUrl(), 'x'],
  ['IsUUID', cv.IsUUID(), 'x'],
  ['IsFirebasePushId', cv.IsFirebasePushId(), '!'],
  ['IsUppercase', cv.IsUppercase(), 'a'],
  ['Length (too short)', cv.Length(2, 4), 'a'],
  ['Length (too long)', cv.Length(2, 4), 'abcdef'],
  ['Length (not a string)', cv.Length(2, 4), 5],
  ['MaxLength', cv.MaxLength(3), 'abcd'],
  ['MinLength', cv.MinLength(3), 'a'],
  ['Matches', cv.Matches(/^a+$/), 'b'],
  ['IsPhoneNumber', cv.IsPhoneNumber(), 'x'],
  ['IsMilitaryTime', cv.IsMilitaryTime(), 'x'],
  ['IsHash', cv.IsHash('md5'), 'x'],
  ['IsISSN', cv.IsISSN(), 'x'],
  ['IsDateString', cv.IsDateString(), 'x'],
  ['IsBooleanString', cv.IsBooleanString(), 'x'],
  ['IsNumberString', cv.IsNumberString(), 'x'],
  ['IsBIC', cv.IsBIC(), 'x'],
  ['IsBtcAddress', cv.IsBtcAddress(), 'x'],
  ['IsDataURI', cv.IsDataURI(), 'x'],
  ['IsEAN', cv.IsEAN(), 'x'],
  ['IsEthereumAddress', cv.IsEthereumAddress(), 'x'],
  ['IsHSL', cv.IsHSL(), 'x'],
  ['IsIBAN', cv.IsIBAN(), 'x'],
  ['IsIdentityCard', cv.IsIdentityCard('ES'), 'x'],
  ['IsISRC', cv.IsISRC(), 'x'],
  ['IsLocale', cv.IsLocale(), '!!'],
  ['IsMagnetURI', cv.IsMagnetURI(), 'x'],
  ['IsMimeType', cv.IsMimeType(), 'x'],
  ['IsOctal', cv.IsOctal(), 'x'],
  ['IsPassportNumber', cv.IsPassportNumber('US'), 'x'],
  ['IsPostalCode', cv.IsPostalCode('US'), 'x'],
  ['IsRFC3339', cv.IsRFC3339(), 'x'],
  ['IsRgbColor', cv.IsRgbColor(), 'x'],
  ['IsSemVer', cv.IsSemVer(), 'x'],
  ['IsStrongPassword', cv.IsStrongPassword(), 'x'],
  ['IsTimeZone', cv.IsTimeZone(), 'x'],
  ['IsTaxId', cv.IsTaxId('en-US'), 'x'],
  ['IsISO4217CurrencyCode', cv.IsISO4217CurrencyCode(), 'x'],
  ['IsISO6391', cv.IsISO6391(), 'x'],
  ['IsBoolean', cv.IsBoolean(), 'x'],
  ['IsDate', cv.IsDate(), 'x'],
  ['IsNumber', cv.IsNumber(), 'x'],
  ['IsEnum', cv.IsEnum(Color), 'x'],
  ['IsInt', cv.IsInt(), 1.5],
  ['IsString', cv.IsString(), 1],
  ['IsArray', cv.IsArray(), 'x'],
  ['IsObject', cv.IsObject(), 'x'],
  ['ArrayContains', cv.ArrayContains(['a', 'b']), ['c']],
  ['ArrayNotContains', cv.ArrayNotContains(['a']), ['a']],
  ['ArrayNotEmpty', cv.ArrayNotEmpty(), []],
  ['ArrayMinSize', cv.ArrayMinSize(2), ['a']],
  ['ArrayMaxSize', cv.ArrayMaxSize(1), ['a', 'b']],
  ['ArrayUnique', cv.ArrayUnique(), ['a', 'a']],
  ['IsNotEmptyObject', cv.IsNotEmptyObject(), {}],
  ['IsInstance', cv.IsInstance(Date), 'x'],
  ['ValidateNested', cv.ValidateNested(), 'x'],
];

describe('field texts of class-validator rules', () => {
  it.each(DECORATORS)(
    '%s: says its field error in Korean, and in English exactly as class-validator does',
    async (_name, decorator, rejected) => {
      const body = rejected === undefined ? {} : { value: rejected };
      const [error, ...rest] = await fieldErrorsOf(dtoWith(decorator), body);

      expect(rest).toEqual([]);
      expect(error.messageKey).toBeDefined();
      const en = answer(failure([error]), 'en');
      const ko = answer(failure([error]), 'ko');
      // English is class-validator's own message, as before there were catalog texts.
      expect(en.problem.errors?.[0].detail).toBe(error.detail);
      expect(en.served).toBe('en');
      expect(ko.problem.errors?.[0].detail).toMatch(HANGUL);
      expect(ko.problem.errors?.[0].detail).toContain('value 필드');
      expect(ko.problem.errors?.[0].detail).not.toContain(error.detail);
      expect(ko.served).toBe('ko');
      // The catalog's key and values stay on the server.
      expect(ko.problem.errors?.[0]).toEqual({
        pointer: '#/value',
        field: 'value',
        code: error.code,
        detail: expect.any(String),
      });
    },
  );

  it('covers every constraint class-validator names, and nothing it does not', () => {
    const names = Object.entries(cv)
      .filter(([key, value]) => /^[A-Z0-9_]+$/.test(key) && typeof value === 'string')
      .map(([, value]) => value as string)
      // IsOptional has no message: it only skips the other rules.
      .filter((name) => name !== 'isOptional');
    const own = ['nestedValidation', 'whitelistValidation', 'unknownValue', 'maxDepth', 'maxNodes'];

    expect(Object.keys(FIELD_MESSAGES).sort()).toEqual([...names, ...own].sort());
  });

  it.each([
    ['isString', cv.IsString({ each: true }), [1], 'each value in value must be a string'],
    ['min', cv.Min(2, { each: true }), [1], 'each value in value must not be less than 2'],
    [
      'maxLength',
      cv.MaxLength(2, { each: true }),
      ['abc'],
      'each value in value must be shorter than or equal to 2 characters',
    ],
  ])(
    'says a rule with each: true (%s) of each value of the array',
    async (code, decorator, rejected, english) => {
      const [error] = await fieldErrorsOf(dtoWith(decorator), { value: rejected });

      expect(error).toMatchObject({ code, detail: english, messageParams: { each: 1 } });
      const ko = answer(failure([error]), 'ko');
      expect(ko.problem.errors?.[0].detail).toMatch(/^value 필드의 각 요소는 /);
    },
  );

  it('gives Length the text of what is wrong: too short, too long, or both bounds', async () => {
    const dto = dtoWith(cv.Length(2, 4));
    const texts = async (value: unknown) => {
      const [error] = await fieldErrorsOf(dto, { value });
      return [error.messageKey, answer(failure([error]), 'ko').problem.errors?.[0].detail];
    };

    expect(await texts('a')).toEqual(['minLength', 'value 필드는 2자 이상이어야 합니다.']);
    expect(await texts('abcdef')).toEqual(['maxLength', 'value 필드는 4자 이하여야 합니다.']);
    expect(await texts(5)).toEqual(['isLength', 'value 필드는 2자 이상 4자 이하여야 합니다.']);
  });

  it('names the values of an enum and of IsIn in Korean as in English', async () => {
    const [enumError] = await fieldErrorsOf(dtoWith(cv.IsEnum(Color)), { value: 'green' });
    const ko = answer(failure([enumError]), 'ko').problem.errors?.[0].detail;

    expect(enumError.detail).toBe('value must be one of the following values: red, blue');
    expect(ko).toBe('value 필드는 다음 값 중 하나여야 합니다: red, blue');
  });

  it('keeps a message the application wrote, and gives it no catalog text', async () => {
    const [error] = await fieldErrorsOf(dtoWith(cv.Min(1, { message: 'at least one, please' })), {
      value: 0,
    });

    expect(error).toEqual({
      pointer: '#/value',
      field: 'value',
      code: 'min',
      detail: 'at least one, please',
    });
    const ko = answer(failure([error]), 'ko');
    expect(ko.problem.errors?.[0].detail).toBe('at least one, please');
    expect(ko.served).toBeUndefined();
  });

  it('cuts the rejected value out of a rule value that holds it, as out of the message', async () => {
    const [error] = await fieldErrorsOf(dtoWith(cv.NotEquals('root')), { value: 'root' });

    expect(error.detail).toBe('value should not be equal to [value]');
    expect(error.messageParams).toEqual({ field: 'value', comparison: '[value]' });
    const ko = answer(failure([error]), 'ko').problem;
    expect(JSON.stringify(ko)).not.toContain('root');
  });

  it('says an unknown property, and a nested value that is no object, in Korean', async () => {
    class Item {
      @cv.IsString()
      name!: string;
    }
    class Order {
      @cv.ValidateNested({ each: true })
      @Type(() => Item)
      items!: Item[];
    }
    const errors = await fieldErrorsOf(Order, { items: [{ name: 1 }, 'x'], extra: true });
    const ko = answer(failure(errors), 'ko');

    expect(ko.problem.errors).toEqual([
      expect.objectContaining({ pointer: '#/extra', detail: 'extra 필드는 허용되지 않습니다.' }),
      expect.objectContaining({ pointer: '#/items/0/name', detail: 'name 필드는 문자열이어야 합니다.' }),
      expect.objectContaining({
        pointer: '#/items/1',
        detail: 'items 필드의 각 요소는 객체나 배열이어야 합니다.',
      }),
    ]);
    expect(ko.served).toBe('ko');
  });

  it('finds the rule of a property a DTO inherits, by the message among rules of the same name', async () => {
    class Base {
      @cv.Min(3, { groups: ['draft'] })
      @cv.Min(5)
      value!: number;
    }
    class Derived extends Base {}
    const [error] = await fieldErrorsOf(Derived, { value: 4 });

    expect(error).toEqual({
      pointer: '#/value',
      field: 'value',
      code: 'min',
      detail: 'value must not be less than 5',
      messageKey: 'min',
      messageParams: { field: 'value', min: '5' },
    });
  });

  it('gives no catalog text without class-validator metadata to read the values from', () => {
    const messages = new ConstraintMessages(undefined);
    const error = { property: 'qty', constraints: { min: 'qty must not be less than 1' }, children: [] };

    expect(messages.describe('min', 'qty must not be less than 1', error, undefined)).toBeUndefined();
    expect(toFieldErrors([error], [], messages)).toEqual([
      { pointer: '#/qty', field: 'qty', code: 'min', detail: 'qty must not be less than 1' },
    ]);
  });

  it('reads the metadata storage of the validator package, and none of one without it', () => {
    expect(ConstraintMessages.of({ validate: () => [] })).toBeInstanceOf(ConstraintMessages);
    expect(
      ConstraintMessages.of({
        getMetadataStorage: () => {
          throw new Error('no storage');
        },
      }),
    ).toBeInstanceOf(ConstraintMessages);
  });
});
