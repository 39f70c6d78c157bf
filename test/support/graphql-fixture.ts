import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { INestApplication } from '@nestjs/common';
import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLModule } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import { IsEmail, IsInt, Max, Min } from 'class-validator';
import request from 'supertest';
import {
  ConflictError,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  NotFoundError,
} from 'nestjs-faultline';
import { withCapture } from './fixture-app';
import { initTestApplication } from './http-adapter';
import { LogCapture } from './log-capture';
import { CapturingLogger } from './sample-app';

/**
 * A GraphQL app (Apollo, code-first) with Faultline: queries that answer, fail with a 404, fail
 * as a bug would, a field graphql-js reads itself that throws, and a mutation whose input type
 * is validated.
 */
@ObjectType()
class Account {
  @Field()
  name!: string;

  /** A field graphql-js reads itself, outside Nest's resolvers: its getter fails as a bug would. */
  @Field(() => String, { nullable: true })
  get secret(): string {
    throw new Error('vault read failed: password=hunter2 at /srv/app/vault.ts:7');
  }
}

@InputType()
class InviteInput {
  @Field()
  @IsEmail()
  email!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(10)
  seats!: number;
}

@Resolver()
export class FixtureResolver {
  @Query(() => String)
  ok(): string {
    return 'fine';
  }

  @Query(() => String, { nullable: true })
  missing(): string {
    throw new NotFoundError('Widget', 7);
  }

  @Query(() => String, { nullable: true })
  broken(): string {
    throw new Error('connect failed: postgres://app:s3cret-pw@db/app');
  }

  @Query(() => String, { nullable: true })
  taken(): string {
    throw new ConflictError('That name is taken', {
      details: { constraint: 'accounts_name_key', code: 'X' },
    });
  }

  @Query(() => Account)
  account(): Account {
    return Object.assign(new Account(), { name: 'acme' });
  }

  @Mutation(() => Boolean)
  invite(@Args('input') input: InviteInput): boolean {
    return input.seats > 0;
  }
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions: Record<string, unknown> }[];
}

export async function startGraphqlFixture(
  options: ErrorHandlingModuleOptions,
  graphql: Partial<ApolloDriverConfig> = {},
): Promise<{
  app: INestApplication;
  pino: LogCapture;
  nest: CapturingLogger;
  gql: (
    query: string,
    variables?: Record<string, unknown>,
  ) => Promise<{ body: GraphQLBody; requestId: string }>;
}> {
  const pino = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [
      ErrorHandlingModule.forRoot(withCapture(options, pino)),
      GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, ...graphql }),
    ],
    providers: [FixtureResolver],
  }).compile();
  const nest = new CapturingLogger();
  const app = await initTestApplication(moduleRef, { logger: nest });
  const server = app.getHttpServer();
  return {
    app,
    pino,
    nest,
    gql: async (query, variables = {}) => {
      const res = await request(server)
        .post('/graphql')
        .set('Content-Type', 'application/json')
        .send({ query, variables });
      return { body: res.body as GraphQLBody, requestId: String(res.headers['x-request-id']) };
    },
  };
}
