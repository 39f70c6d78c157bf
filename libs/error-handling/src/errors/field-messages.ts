import {
  compileTemplate,
  type CompiledTemplate,
  type MessageParams,
  renderTemplate,
} from './message-template';

/**
 * The texts of field errors, in English, by rule: class-validator's default message of each of
 * its built-in constraints (written so that they render to exactly class-validator's text), the
 * validation pipe's shape limits, and the `whitelistValidation` / `unknownValue` /
 * `nestedValidation` texts class-validator adds itself.
 *
 * Placeholders: `{field}` is the property (class-validator's `$property`), `{each}` the catalog's
 * `labels.each` phrase when the rule applies to each value of an array (`each: true`) and empty
 * otherwise, and the rule's own values (`{min}`, `{max}`, `{values}`, ...) its constraints. The
 * rejected value is never one of them.
 *
 * `isLength` has three texts: `minLength`'s when the value is too short, `maxLength`'s when too
 * long, and its own; a field error's `messageKey` names the one it uses.
 */
export const FIELD_MESSAGES = {
  isDefined: '{each}{field} should not be null or undefined',
  isLatLong: '{each}{field} must be a latitude,longitude string',
  isLatitude: '{each}{field} must be a latitude string or number',
  isLongitude: '{each}{field} must be a longitude string or number',
  equals: '{each}{field} must be equal to {comparison}',
  notEquals: '{each}{field} should not be equal to {comparison}',
  isEmpty: '{each}{field} must be empty',
  isNotEmpty: '{each}{field} should not be empty',
  isIn: '{each}{field} must be one of the following values: {values}',
  isNotIn: '{each}{field} should not be one of the following values: {values}',
  isDivisibleBy: '{each}{field} must be divisible by {divisor}',
  isPositive: '{each}{field} must be a positive number',
  isNegative: '{each}{field} must be a negative number',
  max: '{each}{field} must not be greater than {max}',
  min: '{each}{field} must not be less than {min}',
  minDate: 'minimal allowed date for {each}{field} is {date}',
  maxDate: 'maximal allowed date for {each}{field} is {date}',
  contains: '{each}{field} must contain a {seed} string',
  notContains: '{each}{field} should not contain a {seed} string',
  isAlpha: '{each}{field} must contain only letters (a-zA-Z)',
  isAlphanumeric: '{each}{field} must contain only letters and numbers',
  isDecimal: '{each}{field} is not a valid decimal number.',
  isAscii: '{each}{field} must contain only ASCII characters',
  isBase32: '{each}{field} must be base32 encoded',
  isBase58: '{each}{field} must be base58 encoded',
  isBase64: '{each}{field} must be base64 encoded',
  isByteLength: "{each}{field}'s byte length must fall into ({min}, {max}) range",
  isCreditCard: '{each}{field} must be a credit card',
  isCurrency: '{each}{field} must be a currency',
  isEmail: '{each}{field} must be an email',
  isFqdn: '{each}{field} must be a valid domain name',
  isFullWidth: '{each}{field} must contain a full-width characters',
  isHalfWidth: '{each}{field} must contain a half-width characters',
  isVariableWidth: '{each}{field} must contain a full-width and half-width characters',
  isHexColor: '{each}{field} must be a hexadecimal color',
  isHexadecimal: '{each}{field} must be a hexadecimal number',
  isMacAddress: '{each}{field} must be a MAC Address',
  isIp: '{each}{field} must be an ip address',
  isPort: '{each}{field} must be a port',
  isIsbn: '{each}{field} must be an ISBN',
  isIsin: '{each}{field} must be an ISIN (stock/security identifier)',
  isIso8601: '{each}{field} must be a valid ISO 8601 date string',
  isJson: '{each}{field} must be a json string',
  isJwt: '{each}{field} must be a jwt string',
  isLowercase: '{each}{field} must be a lowercase string',
  isMobilePhone: '{each}{field} must be a phone number',
  isISO31661Alpha2: '{each}{field} must be a valid ISO31661 Alpha2 code',
  isISO31661Alpha3: '{each}{field} must be a valid ISO31661 Alpha3 code',
  isISO31661Numeric: '{each}{field} must be a valid ISO 3166-1 numeric country code',
  isMongoId: '{each}{field} must be a mongodb id',
  isMultibyte: '{each}{field} must contain one or more multibyte chars',
  isSurrogatePair: '{each}{field} must contain any surrogate pairs chars',
  isUrl: '{each}{field} must be a URL address',
  isUuid: '{each}{field} must be a UUID',
  IsFirebasePushId: '{each}{field} must be a Firebase Push Id',
  isUppercase: '{each}{field} must be uppercase',
  isLength:
    '{each}{field} must be longer than or equal to {min} and shorter than or equal to {max} characters',
  maxLength: '{each}{field} must be shorter than or equal to {max} characters',
  minLength: '{each}{field} must be longer than or equal to {min} characters',
  matches: '{each}{field} must match {pattern} regular expression',
  isPhoneNumber: '{each}{field} must be a valid phone number',
  isMilitaryTime: '{each}{field} must be a valid representation of military time in the format HH:MM',
  isHash: '{each}{field} must be a hash of type {algorithm}',
  isISSN: '{each}{field} must be a ISSN',
  isDateString: '{each}{field} must be a valid ISO 8601 date string',
  isBooleanString: '{each}{field} must be a boolean string',
  isNumberString: '{each}{field} must be a number string',
  isBIC: '{each}{field} must be a BIC or SWIFT code',
  isBtcAddress: '{each}{field} must be a BTC address',
  isDataURI: '{each}{field} must be a data uri format',
  isEAN: '{each}{field} must be an EAN (European Article Number)',
  isEthereumAddress: '{each}{field} must be an Ethereum address',
  isHSL: '{each}{field} must be a HSL color',
  isIBAN: '{each}{field} must be an IBAN',
  isIdentityCard: '{each}{field} must be a identity card number',
  isISRC: '{each}{field} must be an ISRC',
  isLocale: '{each}{field} must be locale',
  isMagnetURI: '{each}{field} must be magnet uri format',
  isMimeType: '{each}{field} must be MIME type format',
  isOctal: '{each}{field} must be valid octal number',
  isPassportNumber: '{each}{field} must be valid passport number',
  isPostalCode: '{each}{field} must be a postal code',
  isRFC3339: '{each}{field} must be RFC 3339 date',
  isRgbColor: '{each}{field} must be RGB color',
  isSemVer: '{each}{field} must be a Semantic Versioning Specification',
  isStrongPassword: '{each}{field} is not strong enough',
  isTimeZone: '{each}{field} must be a valid IANA time-zone',
  isTaxId: '{each}{field} must be a Tax Identification Number',
  isISO4217CurrencyCode: '{each}{field} must be a valid ISO4217 currency code',
  isISO6391: '{each}{field} must be a valid ISO 639-1 language code',
  isBoolean: '{each}{field} must be a boolean value',
  isDate: '{each}{field} must be a Date instance',
  isNumber: '{each}{field} must be a number conforming to the specified constraints',
  isEnum: '{each}{field} must be one of the following values: {values}',
  isInt: '{each}{field} must be an integer number',
  isString: '{each}{field} must be a string',
  isArray: '{each}{field} must be an array',
  isObject: '{each}{field} must be an object',
  arrayContains: '{each}{field} must contain {values} values',
  arrayNotContains: '{each}{field} should not contain {values} values',
  arrayNotEmpty: '{each}{field} should not be empty',
  arrayMinSize: '{each}{field} must contain at least {min} elements',
  arrayMaxSize: '{each}{field} must contain no more than {max} elements',
  arrayUnique: "{each}All {field}'s elements must be unique",
  isNotEmptyObject: '{each}{field} must be a non-empty object',
  isInstance: '{each}{field} must be an instance of {type}',
  nestedValidation: '{each}nested property {field} must be either object or array',
  whitelistValidation: 'property {field} should not exist',
  unknownValue: 'an unknown value was passed to the validate function',
  // Faultline's validation pipe: the shape limits, checked before class-validator runs.
  maxDepth: 'Objects and arrays are nested more than {max} levels deep here',
  maxNodes: 'The request has more than {max} values',
} as const satisfies Record<string, string>;

/** A key of {@link FIELD_MESSAGES}. */
export type FieldMessageKey = keyof typeof FIELD_MESSAGES;

/** The English `labels.each`: what `{each}` reads when a rule applies to each value of an array. */
export const EACH_VALUE_EN = 'each value in ';

const COMPILED: ReadonlyMap<string, CompiledTemplate> = new Map(
  Object.entries(FIELD_MESSAGES).map(([key, text]) => [key, compileTemplate(text)]),
);

/** The English field text of `key` with its values, `{each}` read as `each` says. */
export function englishFieldMessage(key: FieldMessageKey, params: MessageParams, each = false): string {
  return renderTemplate(COMPILED.get(key) as CompiledTemplate, params, { each: each ? EACH_VALUE_EN : '' });
}
