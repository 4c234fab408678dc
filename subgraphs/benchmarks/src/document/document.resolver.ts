import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import type { BenchmarksContext } from '../context.js';
import { Document } from './document.entity.js';
import { createDocumentUpload, downloadUrl } from './document.service.js';

@ObjectType()
class DocumentUpload {
  @Field({ description: 'PUT the bytes here, once, before expiresAt.' }) uploadUrl!: string;
  @Field() expiresAt!: Date;
  @Field(() => Int) maxBytes!: number;
}

@Resolver(() => Document)
export class DocumentResolver {
  @Authorized('ADMIN', 'scope:benchmarks:write')
  @Mutation(() => DocumentUpload, { description: 'Accepts PDF, PNG, JPEG and WebP, recognised by their bytes.' })
  createDocumentUpload(
    @Arg('deviceId', () => ID) deviceId: string,
    @Arg('filename') filename: string,
    @Arg('contentType') contentType: string,
    @Arg('size', () => Int) size: number,
    @Ctx() ctx: BenchmarksContext,
  ) {
    return createDocumentUpload(ctx, { deviceId, filename, contentType, size });
  }

  @FieldResolver(() => String, { description: 'Served to signed-in callers, with the Authorization header.' })
  downloadUrl(@Root() document: Document, @Ctx() ctx: BenchmarksContext) {
    return downloadUrl(ctx, document.id);
  }
}
