import { Module, NotFoundException } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Args, Field, GraphQLModule, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';

@ObjectType()
class Item {
  @Field(() => Int)
  id!: number;

  @Field()
  name!: string;
}

const ITEMS: Item[] = [1, 2, 3].map((id) => ({ id, name: `item ${id}` }));

/**
 * The resolvers every GraphQL benchmark app serves: `items` answers, `item(id)` throws Nest's
 * `NotFoundException` for an unknown id (the 404-class failure of the `missing` scenario).
 */
@Resolver(() => Item)
export class BenchResolver {
  @Query(() => [Item])
  items(): Item[] {
    return ITEMS;
  }

  @Query(() => Item)
  item(@Args('id', { type: () => Int }) id: number): Item {
    const item = ITEMS.find((i) => i.id === id);
    if (!item) throw new NotFoundException(`Item ${id} not found`);
    return item;
  }
}

/** Apollo (code-first, schema in memory) with Apollo's defaults, and the resolvers. */
@Module({
  imports: [GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true })],
  providers: [BenchResolver],
})
export class BenchGraphqlModule {}
