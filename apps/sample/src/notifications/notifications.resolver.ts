import { UseGuards } from '@nestjs/common';
import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Audit } from 'nestjs-faultline';
import { AuthGuard } from '../auth/auth.guard';
import type { AuthUser } from '../auth/auth.types';
import { CurrentUser } from '../auth/roles.decorator';
import { NotificationModel } from './notification.model';
import { NotificationsService } from './notifications.service';

/**
 * The notifications over GraphQL (`POST /graphql`): the same service, guard and audit actions as
 * the REST routes. A missing notification is a `NOT_FOUND` error in `errors[]`.
 */
@Resolver(() => NotificationModel)
@UseGuards(AuthGuard)
export class NotificationsResolver {
  constructor(private readonly service: NotificationsService) {}

  @Query(() => [NotificationModel], { description: "The caller's newest notifications" })
  notifications(@CurrentUser() user: AuthUser): Promise<NotificationModel[]> {
    return this.service.list(user.id);
  }

  @Query(() => NotificationModel, { description: "One of the caller's notifications" })
  notification(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => Int }) id: number,
  ): Promise<NotificationModel> {
    return this.service.get(user.id, id);
  }

  @Mutation(() => NotificationModel, { description: "Marks one of the caller's notifications read" })
  @Audit('NOTIFICATION_MARK_READ', { resource: 'notification', resourceId: 'args.id' })
  markRead(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => Int }) id: number,
  ): Promise<NotificationModel> {
    return this.service.markRead(user.id, id);
  }
}
