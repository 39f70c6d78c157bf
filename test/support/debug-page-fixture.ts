import { Controller, Get, Injectable, Param } from '@nestjs/common';

/**
 * The debug page's fixture: a controller, a service and a repository, failing as a typical bug
 * does. The repository's driver refuses the connection; the service wraps that in an error of
 * its own with the driver's error as its `cause`; the controller is where the request came in.
 * The tests look for these files' lines on the page: keep the `throw` lines and the password
 * line near them.
 */

/** What a database driver throws when nothing listens. */
export class ConnectionRefusedError extends Error {
  override name = 'ConnectionRefusedError';
  readonly code = 'ECONNREFUSED';
}

@Injectable()
export class OrderRepository {
  findLines(orderId: string): { price: number; quantity: number }[] {
    // A literal secret in the source: the page shows this line redacted.
    const dbPassword = 'correct-horse-battery-staple';
    const url = `postgres://orders@127.0.0.1:5432/orders?sslmode=disable&p=${dbPassword.length}`;
    throw new ConnectionRefusedError(`connect ECONNREFUSED 127.0.0.1:5432 (${url}, order ${orderId})`);
  }
}

@Injectable()
export class OrderService {
  constructor(private readonly repository: OrderRepository) {}

  total(orderId: string): number {
    try {
      const lines = this.repository.findLines(orderId);
      return lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
    } catch (error) {
      throw new Error(`Could not compute the total of order ${orderId}`, { cause: error });
    }
  }
}

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrderService) {}

  @Get(':id/total')
  total(@Param('id') id: string): { orderId: string; total: number } {
    return { orderId: id, total: this.orders.total(id) };
  }
}
