import { decodeCursor, pageSize } from '@switchyard/kit';
import { ArgsType, Field, Int } from 'type-graphql';

/**
 * The default page of a catalogue list. Smaller than the kit's 20 because the lists nest (sites,
 * their equipment, its sensors) and the gateway's cost multiplies their pages: the natural read
 * of them all with three readings each (`readings(first: 3) { nodes { at value } }`) costs 88,841
 * at 20 a page, over the default MAX_COST of 50,000, and 11,221 at 10. The schema states it as
 * the argument's default, which is what the gateway counts.
 */
export const CATALOGUE_PAGE = 10;

/** A page of a catalogue list (sites, a site's equipment, equipment's sensors), by code. */
@ArgsType()
export class CodePageArgs {
  @Field(() => Int, { nullable: true, defaultValue: CATALOGUE_PAGE })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

/** A page of a list by code (unique): its size, and the code it starts after. */
export interface CodePage {
  size: number;
  afterCode: string | null;
}

/** `first` (1..MAX_PAGE) and `after` of a list by code; either one wrong is BAD_USER_INPUT. */
export function codePage({ first, after }: CodePageArgs): CodePage {
  const size = pageSize(first, CATALOGUE_PAGE);
  const [afterCode] = decodeCursor(after, ['string']) ?? [null];
  return { size, afterCode };
}
