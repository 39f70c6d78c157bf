import { Type } from 'class-transformer';
import {
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  validate,
} from 'class-validator';
import { ValidationError } from '../errors/app.error';
import { configErrorOf } from '../kernel/config-error.testing';
import { FaultlineConfigError } from '../kernel/faultline-config.error';
import { cpuMsOf } from '../kernel/cpu-time.testing';
import {
  checkShape,
  DEFAULT_VALIDATION,
  DEFAULT_VALIDATION_MAX_DEPTH,
  DEFAULT_VALIDATION_MAX_NODES,
  FaultlineValidationPipe,
  resolveValidation,
  toFieldErrors,
  type ValidationPeers,
} from './validation.pipe';

class TagDto {
  @IsString()
  @MaxLength(8, { message: 'tag $value is longer than $constraint1 characters' })
  label!: string;
}

class ItemDto {
  @IsString()
  name!: string;

  @IsInt()
  @Min(1)
  @Max(100, { message: 'quantity $value is more than $constraint1' })
  quantity!: number;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => TagDto)
  tags?: TagDto[];
}

class OrderDto {
  @IsNotEmpty()
  title!: string;

  @IsOptional()
  @IsEmail({}, { message: 'contact must be an email, got $value' })
  contact?: string;

  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}

function order(fields: {
  title?: string;
  contact?: string;
  items?: Partial<ItemDto & { tags: Partial<TagDto>[] }>[];
}) {
  return Object.assign(new OrderDto(), {
    ...fields,
    items: (fields.items ?? []).map((i) =>
      Object.assign(new ItemDto(), {
        ...i,
        tags: i.tags?.map((t) => Object.assign(new TagDto(), t)),
      }),
    ),
  });
}

async function fieldErrorsOf(dto: object) {
  return toFieldErrors(await validate(dto));
}

describe('toFieldErrors', () => {
  it('returns no field errors for a valid DTO', async () => {
    expect(await fieldErrorsOf(order({ title: 'Order', items: [{ name: 'a', quantity: 1 }] }))).toEqual([]);
  });

  it('gives a top-level failure a pointer, a field path, the rule and its message', async () => {
    expect(await fieldErrorsOf(order({ title: '', items: [] }))).toEqual([
      { pointer: '#/title', field: 'title', code: 'isNotEmpty', detail: 'title should not be empty' },
    ]);
  });

  it('points into nested arrays of DTOs', async () => {
    const errors = await fieldErrorsOf(
      order({
        title: 'Order',
        items: [
          { name: 'ok', quantity: 1 },
          { name: 5 as unknown as string, quantity: 0 },
        ],
      }),
    );

    expect(errors).toEqual([
      { pointer: '#/items/1/name', field: 'items.1.name', code: 'isString', detail: 'name must be a string' },
      {
        pointer: '#/items/1/quantity',
        field: 'items.1.quantity',
        code: 'min',
        detail: 'quantity must not be less than 1',
      },
    ]);
  });

  it('points two levels deep into nested arrays', async () => {
    const errors = await fieldErrorsOf(
      order({
        title: 'Order',
        items: [{ name: 'a', quantity: 1, tags: [{ label: 'ok' }, { label: 7 as unknown as string }] }],
      }),
    );

    expect(errors.map((e) => [e.pointer, e.field, e.code]).sort()).toEqual([
      ['#/items/0/tags/1/label', 'items.0.tags.1.label', 'isString'],
      ['#/items/0/tags/1/label', 'items.0.tags.1.label', 'maxLength'],
    ]);
  });

  it('gives one field error per failed rule', async () => {
    const errors = await fieldErrorsOf(order({ title: 'Order', items: [{ name: 'a', quantity: 2.5 }] }));

    expect(errors.map((e) => e.code)).toEqual(['isInt']);
    const many = await fieldErrorsOf(order({ title: 'Order', items: [{ name: 'a', quantity: -1.5 }] }));
    expect(many.map((e) => e.code).sort()).toEqual(['isInt', 'min']);
    expect(new Set(many.map((e) => e.pointer))).toEqual(new Set(['#/items/0/quantity']));
  });

  it('cuts a rejected string value out of a custom message with $value', async () => {
    const secret = 'ann.secret.mail';
    const errors = await fieldErrorsOf(order({ title: 'Order', contact: secret, items: [] }));

    expect(errors).toEqual([
      {
        pointer: '#/contact',
        field: 'contact',
        code: 'isEmail',
        detail: 'contact must be an email, got [value]',
      },
    ]);
    expect(JSON.stringify(errors)).not.toContain(secret);
  });

  it('cuts a rejected value out of a nested custom message', async () => {
    const errors = await fieldErrorsOf(
      order({
        title: 'Order',
        items: [{ name: 'a', quantity: 12345, tags: [{ label: 'much-too-long-tag' }] }],
      }),
    );

    expect(errors).toEqual([
      {
        pointer: '#/items/0/quantity',
        field: 'items.0.quantity',
        code: 'max',
        detail: 'quantity [value] is more than 100',
      },
      {
        pointer: '#/items/0/tags/0/label',
        field: 'items.0.tags.0.label',
        code: 'maxLength',
        detail: 'tag [value] is longer than 8 characters',
      },
    ]);
    expect(JSON.stringify(errors)).not.toContain('12345');
    expect(JSON.stringify(errors)).not.toContain('much-too-long-tag');
  });

  it('prefixes paths with the parent it is given', async () => {
    const errors = toFieldErrors(await validate(order({ title: '', items: [] })), ['body', 'order']);

    expect(errors[0]).toMatchObject({ pointer: '#/body/order/title', field: 'body.order.title' });
  });

  it('escapes "/" and "~" in property names in the pointer', () => {
    expect(
      toFieldErrors([
        { property: 'a/b~c', constraints: { isString: 'a/b~c must be a string' }, children: [] },
      ]),
    ).toEqual([{ pointer: '#/a~1b~0c', field: 'a/b~c', code: 'isString', detail: 'a/b~c must be a string' }]);
  });
});

describe('FaultlineValidationPipe', () => {
  const pipe = new FaultlineValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
  });
  const metadata = { type: 'body' as const, metatype: OrderDto };

  async function rejection(body: unknown): Promise<ValidationError> {
    try {
      await pipe.transform(body, metadata);
    } catch (error) {
      if (error instanceof ValidationError) return error;
      throw error;
    }
    throw new Error('expected a ValidationError');
  }

  it('returns a DTO instance for a valid body', async () => {
    const result = (await pipe.transform(
      { title: 'Order', items: [{ name: 'a', quantity: 1 }] },
      metadata,
    )) as OrderDto;

    expect(result).toBeInstanceOf(OrderDto);
    expect(result.items[0]).toBeInstanceOf(ItemDto);
  });

  it('throws a 400 VALIDATION_ERROR with field errors pointing into the body', async () => {
    const error = await rejection({ title: '', items: [{ name: 5, quantity: 1 }] });

    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toBe('The request has invalid fields');
    expect(error.messageKey).toBe('validation.invalidFields');
    expect(error.fieldErrors).toEqual([
      {
        pointer: '#/title',
        field: 'title',
        code: 'isNotEmpty',
        detail: 'title should not be empty',
        messageKey: 'isNotEmpty',
        messageParams: { field: 'title' },
      },
      {
        pointer: '#/items/0/name',
        field: 'items.0.name',
        code: 'isString',
        detail: 'name must be a string',
        messageKey: 'isString',
        messageParams: { field: 'name' },
      },
    ]);
  });

  it('rejects a property the DTO does not declare, pointing at it', async () => {
    const error = await rejection({ title: 'Order', items: [], isAdmin: true });

    expect(error.fieldErrors).toEqual([
      {
        pointer: '#/isAdmin',
        field: 'isAdmin',
        code: 'whitelistValidation',
        detail: 'property isAdmin should not exist',
        messageKey: 'whitelistValidation',
        messageParams: { field: 'isAdmin' },
      },
    ]);
  });

  it('cuts a value interpolated with $value out of the message it sends', async () => {
    const error = await rejection({ title: 'Order', contact: 'hunter2-secret', items: [] });

    const contact = error.fieldErrors?.find((e) => e.field === 'contact');
    expect(contact?.detail).toBe('contact must be an email, got [value]');
    // The application's own text: no catalog text stands in for it.
    expect(contact?.messageKey).toBeUndefined();
    expect(JSON.stringify(error.fieldErrors)).not.toContain('hunter2-secret');
  });
});

/** `{ a: { a: ... 1 } }`, `depth` objects deep, built without recursion. */
function nestedObjects(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** `[[[ ... ]]]`, `depth` arrays deep, parsed from JSON as body-parser would. */
function nestedArraysJson(depth: number): unknown {
  return JSON.parse('['.repeat(depth) + ']'.repeat(depth));
}

async function rejectionOf(pipe: FaultlineValidationPipe, value: unknown, metadata: object) {
  const error = await pipe.transform(value, { type: 'body', metatype: OrderDto, ...metadata }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('FaultlineValidationPipe shape limits', () => {
  const pipe = new FaultlineValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

  it.each([5_000, 100_000])(
    'answers a body nested %i deep with a 400 maxDepth error, not a stack overflow',
    async (depth) => {
      for (const body of [nestedObjects(depth), nestedArraysJson(depth)]) {
        const { value: error, cpuMs } = await cpuMsOf(() => rejectionOf(pipe, body, {}));

        expect(cpuMs).toBeLessThan(1000);
        expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
        expect(error.message).toBe('The request is nested too deeply');
        expect(error.fieldErrors).toHaveLength(1);
        expect(error.fieldErrors?.[0].code).toBe('maxDepth');
        // The pointer names the first value past the limit: 32 steps down from the body.
        expect(error.fieldErrors?.[0].pointer.split('/')).toHaveLength(DEFAULT_VALIDATION_MAX_DEPTH + 1);
      }
    },
  );

  it('points at the value where the depth limit was hit', async () => {
    const error = await rejectionOf(
      new FaultlineValidationPipe({ maxDepth: 3 }),
      { title: 'x', items: [{ name: 'a', tags: [{ label: [1] }] }] },
      {},
    );

    expect(error.fieldErrors).toEqual([
      {
        pointer: '#/items/0/tags',
        field: 'items.0.tags',
        code: 'maxDepth',
        detail: 'Objects and arrays are nested more than 3 levels deep here',
        messageKey: 'maxDepth',
        messageParams: { max: 3 },
      },
    ]);
  });

  it('accepts a body exactly at the depth limit and lets validation run', async () => {
    const error = await rejectionOf(new FaultlineValidationPipe({ maxDepth: 3 }), { items: [{}] }, {});

    expect(error.message).toBe('The request has invalid fields');
  });

  it('answers a huge array with a 400 maxNodes error naming the first value over the limit', async () => {
    const items = new Array<number>(1_000_000).fill(0);
    const { value: error, cpuMs } = await cpuMsOf(() => rejectionOf(pipe, { title: 'x', items }, {}));

    expect(cpuMs).toBeLessThan(1000);
    expect(error.message).toBe('The request has too many values');
    // The body, `title` and `items` count 3, so item 9997 is value 10,001.
    expect(error.fieldErrors).toEqual([
      {
        pointer: `#/items/${DEFAULT_VALIDATION_MAX_NODES - 3}`,
        field: `items.${DEFAULT_VALIDATION_MAX_NODES - 3}`,
        code: 'maxNodes',
        detail: `The request has more than ${DEFAULT_VALIDATION_MAX_NODES} values`,
        messageKey: 'maxNodes',
        messageParams: { max: DEFAULT_VALIDATION_MAX_NODES },
      },
    ]);
  });

  it('counts values in document order across objects and arrays', () => {
    const limits = { maxDepth: 10, maxNodes: 5 };
    const body = { a: [1, 2], b: { c: 3 }, d: 4 };
    // body, a, 1, 2, b = 5 values; c is the 6th and d the 7th
    expect(() => checkShape(body, limits)).toThrow(
      expect.objectContaining({ fieldErrors: [expect.objectContaining({ pointer: '#/b/c' })] }),
    );
    expect(() => checkShape(body, { maxDepth: 10, maxNodes: 6 })).toThrow(
      expect.objectContaining({ fieldErrors: [expect.objectContaining({ pointer: '#/d' })] }),
    );
    expect(() => checkShape(body, { maxDepth: 10, maxNodes: 7 })).not.toThrow();
  });

  it('counts a wide object by its keys and stops at the limit', () => {
    const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));

    expect(() => checkShape(wide, { maxDepth: 2, maxNodes: 20 })).toThrow(
      expect.objectContaining({ fieldErrors: [expect.objectContaining({ pointer: '#/k19' })] }),
    );
  });

  it('walks the present items of a sparse array, not its length', () => {
    const sparse: unknown[] = [];
    sparse[4_294_967_294] = 'x';

    expect(() => checkShape({ tags: sparse }, { maxDepth: 4, maxNodes: 3 })).not.toThrow();
    expect(() => checkShape({ tags: sparse }, { maxDepth: 4, maxNodes: 2 })).toThrow(
      expect.objectContaining({
        fieldErrors: [expect.objectContaining({ pointer: '#/tags/4294967294' })],
      }),
    );
  });

  it('ends on a cyclic value at the depth limit instead of looping', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    expect(() => checkShape(cyclic, { maxDepth: 5, maxNodes: 1000 })).toThrow('nested too deeply');
  });

  it('treats Buffers, Dates and class instances as single values', () => {
    const body = { file: Buffer.alloc(100_000), at: new Date(), dto: new OrderDto() };

    expect(() => checkShape(body, { maxDepth: 1, maxNodes: 4 })).not.toThrow();
  });

  it('prefixes the pointer with the property a parameter decorator picked', async () => {
    const error = await rejectionOf(
      new FaultlineValidationPipe({ maxDepth: 1 }),
      { name: { deep: true } },
      { data: 'item', metatype: ItemDto },
    );

    expect(error.fieldErrors?.[0].pointer).toBe('#/item/name');
  });

  it('checks query objects too, even without a DTO', async () => {
    const error = await pipe.transform(nestedObjects(40), { type: 'query', metatype: undefined }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', fieldErrors: [{ code: 'maxDepth' }] });
  });

  it('leaves values of custom decorators it does not validate alone', async () => {
    const user = nestedObjects(100);

    await expect(pipe.transform(user, { type: 'custom', metatype: Object })).resolves.toBe(user);
  });

  it.each([
    [{ maxDepth: 0 }, 'validation.maxDepth must be a whole number from 1 to 1000, got 0'],
    [{ maxDepth: 2.5 }, 'validation.maxDepth'],
    [{ maxDepth: 5000 }, 'validation.maxDepth'],
    [{ maxNodes: -1 }, 'validation.maxNodes must be a whole number >= 1, got -1'],
    [{ maxNodes: Number.POSITIVE_INFINITY }, 'validation.maxNodes'],
    [{ maxNodes: '100' as unknown as number }, 'validation.maxNodes'],
  ])('stops start-up for %p with a message naming the option', (options, message) => {
    expect(() => new FaultlineValidationPipe(options)).toThrow(FaultlineConfigError);
    expect(() => new FaultlineValidationPipe(options)).toThrow(`FAULTLINE_INVALID_OPTION: ${message}`);
  });

  it('does not pass its own limits on to class-validator', async () => {
    const limited = new FaultlineValidationPipe({ maxDepth: 8, maxNodes: 100, transform: true });
    const result = await limited.transform({ title: 'x', items: [] }, { type: 'body', metatype: OrderDto });

    expect(result).toBeInstanceOf(OrderDto);
    expect((limited as unknown as { validatorOptions: object }).validatorOptions).not.toHaveProperty(
      'maxDepth',
    );
  });
});

describe('resolveValidation (whether the pipe is on, given the packages installed)', () => {
  /** Peers of which `missing` are not installed; `load` fails for those as loadPeer does. */
  function peers(...missing: string[]) {
    const load = jest.fn((name: string, option: string) => {
      if (missing.includes(name)) {
        throw new FaultlineConfigError(option, `needs the package ${name}, which is not installed`);
      }
      return {};
    });
    const has = jest.fn((name: string) => !missing.includes(name));
    return { has, load } satisfies ValidationPeers;
  }

  it('is on with the defaults when both packages are installed and validation is unset', () => {
    expect(resolveValidation(undefined, peers())).toEqual({ options: DEFAULT_VALIDATION, notice: undefined });
  });

  it.each([
    [['class-validator'], 'class-validator is not installed'],
    [['class-transformer'], 'class-transformer is not installed'],
    [['class-validator', 'class-transformer'], 'class-validator and class-transformer are not installed'],
  ])('is off, with one notice and nothing loaded, when unset and %j missing', (missing, says) => {
    const p = peers(...missing);
    const resolved = resolveValidation(undefined, p);
    expect(resolved.options).toBe(false);
    expect(resolved.notice).toMatch(/^validation is off: /);
    expect(resolved.notice).toContain(says);
    expect(resolved.notice).toContain('validation: false');
    expect(p.load).not.toHaveBeenCalled();
  });

  it.each([[true], [{}], [{ transform: false }]])(
    'stops start-up naming validation and the package when %j asks for the pipe and one is missing',
    (input) => {
      const error = configErrorOf(() => resolveValidation(input, peers('class-transformer')));
      expect(error.option).toBe('validation');
      expect(error.message).toContain('class-transformer');
    },
  );

  it('is on when asked for and both are installed; true means the defaults', () => {
    expect(resolveValidation(true, peers())).toEqual({ options: DEFAULT_VALIDATION, notice: undefined });
    expect(resolveValidation({ transform: false }, peers()).options).toEqual({
      ...DEFAULT_VALIDATION,
      transform: false,
    });
  });

  it('looks for nothing when validation is false', () => {
    const p = peers('class-validator', 'class-transformer');
    expect(resolveValidation(false, p)).toEqual({ options: false, notice: undefined });
    expect(p.has).not.toHaveBeenCalled();
    expect(p.load).not.toHaveBeenCalled();
  });

  it('does not need a package that the options bring as validatorPackage or transformerPackage', () => {
    const validatorPackage = { validate: jest.fn(), validateSync: jest.fn() } as never;
    const p = peers('class-validator');
    expect(resolveValidation({ validatorPackage }, p).options).toMatchObject({ validatorPackage });
    expect(p.load.mock.calls.map(([name]) => name)).toEqual(['class-transformer']);
  });
});
