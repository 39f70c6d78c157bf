import 'reflect-metadata';
import { BenchGraphqlModule } from './graphql-routes';
import { listenWithPino } from './nest-pino';

// A GraphQL service as teams run it today: nestjs-pino's request logging and Apollo's default
// error handling (Nest's resolver exceptions reach Apollo as they are).
void listenWithPino(BenchGraphqlModule);
