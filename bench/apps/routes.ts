import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';

/** Body of `POST /items`; the 400 scenario sends `{ "name": "", "quantity": 0 }`. */
export class ItemDto {
  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

/** `Storm0Error` … `Storm199Error`: one fingerprint (method + route + class) each. */
const STORM_ERRORS = Array.from({ length: 200 }, (_, i) => {
  const StormError = class extends Error {};
  Object.defineProperty(StormError, 'name', { value: `Storm${i}Error` });
  return StormError;
});
let storms = 0;

/** The routes every benchmark app serves; `/missing` is answered by the framework's 404. */
@Controller()
export class BenchController {
  @Get('ok')
  ok() {
    return { ok: true, service: 'bench', items: [1, 2, 3] };
  }

  @Get('boom')
  boom(): never {
    throw new Error('unexpected failure in the handler');
  }

  /** Fails with each of the 200 storm classes in turn: an error storm over 200 fingerprints. */
  @Get('storm')
  storm(): never {
    throw new STORM_ERRORS[storms++ % STORM_ERRORS.length]('unexpected failure in the handler');
  }

  @Post('items')
  create(@Body() dto: ItemDto) {
    return { created: dto.name, quantity: dto.quantity };
  }
}

@Module({ controllers: [BenchController] })
export class BenchRoutesModule {}

/** The port from PORT, on 127.0.0.1. */
export function port(): number {
  const value = Number(process.env.PORT);
  if (!Number.isInteger(value) || value <= 0) throw new Error('PORT must be set');
  return value;
}

// Exit normally on SIGINT / SIGTERM, so `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
