import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Notification } from './notification';

/** A notification in the GraphQL schema: the same fields as the REST API's. */
@ObjectType('Notification')
export class NotificationModel implements Notification {
  @Field(() => Int)
  id!: number;

  @Field(() => Int)
  recipientId!: number;

  @Field()
  title!: string;

  @Field()
  body!: string;

  @Field(() => String, { nullable: true, description: 'When it was read (ISO 8601), or null' })
  readAt!: string | null;

  @Field({ description: 'ISO 8601' })
  createdAt!: string;
}
