import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export const CircuitState = { CLOSED: 'CLOSED', OPEN: 'OPEN', HALF_OPEN: 'HALF_OPEN' } as const;
registerEnumType(CircuitState, { name: 'CircuitState', description: "The provider's circuit breaker." });

/** The users subgraph's Ticker, extended with where its prices come from. */
@ObjectType('Ticker')
@Directive('@key(fields: "symbol")')
export class TickerRef {
  @Field()
  symbol!: string;
}

@ObjectType({ description: "How a ticker's prices are being collected." })
export class TickerFeed {
  @Field() provider!: string;
  @Field(() => CircuitState) circuit!: keyof typeof CircuitState;
  @Field(() => Date, { nullable: true }) lastSuccessAt!: Date | null;
  @Field(() => Int) consecutiveFailures!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
}

@ObjectType()
export class RoundReport {
  @Field(() => Int) tickers!: number;
  @Field(() => Int) prices!: number;
  @Field(() => Int) alerts!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType()
export class ProviderState {
  @Field() name!: string;
  @Field(() => CircuitState, { description: 'As last recorded by whichever replica collected.' })
  circuit!: keyof typeof CircuitState;
}

@ObjectType()
export class IngestionStats {
  @Field(() => [ProviderState]) providers!: ProviderState[];
  @Field(() => Int) rounds!: number;
  @Field(() => Int) failedRounds!: number;
  @Field(() => Date, { nullable: true }) lastRoundAt!: Date | null;
  @Field(() => Int) pricesCollected!: number;
  @Field(() => Int) alertsRaised!: number;
  @Field(() => Int) tickersTracked!: number;
  @Field(() => Int, { description: 'Alert mails not sent yet (waiting, retrying or being sent).' })
  mailsWaiting!: number;
  @Field(() => Int, { description: 'Alert mails given up on after MAIL_MAX_ATTEMPTS (dead-lettered).' })
  mailsUndelivered!: number;
}
