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
import { FaultlineValidationPipe, toFieldErrors } from './validation.pipe';

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
    const result = await pipe.transform({ title: 'Order', items: [{ name: 'a', quantity: 1 }] }, metadata);

    expect(result).toBeInstanceOf(OrderDto);
    expect(result.items[0]).toBeInstanceOf(ItemDto);
  });

  it('throws a 400 VALIDATION_ERROR with field errors pointing into the body', async () => {
    const error = await rejection({ title: '', items: [{ name: 5, quantity: 1 }] });

    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toBe('The request has invalid fields');
    expect(error.fieldErrors).toEqual([
      { pointer: '#/title', field: 'title', code: 'isNotEmpty', detail: 'title should not be empty' },
      { pointer: '#/items/0/name', field: 'items.0.name', code: 'isString', detail: 'name must be a string' },
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
      },
    ]);
  });

  it('cuts a value interpolated with $value out of the message it sends', async () => {
    const error = await rejection({ title: 'Order', contact: 'hunter2-secret', items: [] });

    const contact = error.fieldErrors?.find((e) => e.field === 'contact');
    expect(contact?.detail).toBe('contact must be an email, got [value]');
    expect(JSON.stringify(error.fieldErrors)).not.toContain('hunter2-secret');
  });
});
