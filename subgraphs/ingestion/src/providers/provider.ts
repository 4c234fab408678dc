export interface Quote {
  symbol: string;
  price: number;
}

/** A source of latest prices. */
export interface PriceProvider {
  name: string;
  quote(symbols: string[], at: Date): Promise<Quote[]>;
}
