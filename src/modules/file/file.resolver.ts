import { UserOrDevice } from '../../auth/operation-access.js';
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../context.js';
import type { Plain } from '../../database/plain.js';
import { User } from '../account/user.entity.js';
import { FamilyBackground } from '../family/family-background.entity.js';
import { Message } from '../message/message.entity.js';
import { Notification } from '../notification/notification.entity.js';
import { Activity } from '../report/report.entities.js';
import { File } from './file.entity.js';
import { CreateUploadInput } from './file.inputs.js';
import { FILE_ID } from './file.id.js';
import { openData } from '../../auth/type-access.js';

@ObjectType({ description: 'One HTTP header the upload request must carry.' })
export class UploadHeader {
  @Field({ description: 'Header name, e.g. content-type.' })
  name!: string;

  @Field({ description: 'Header value.' })
  value!: string;
}

@ObjectType({
  description:
    'Where to upload the bytes of a new file: PUT them to `uploadUrl` with `headers`, then call `completeUpload`.',
})
export class UploadTicket {
  @Field(() => ID, { description: 'The new file (PENDING until completeUpload verifies it).' })
  fileId!: string;

  @Field({ description: 'A signed URL to PUT exactly the declared bytes to, before `expiresAt`.' })
  uploadUrl!: string;

  @Field(() => [UploadHeader], { description: 'Headers the PUT must carry.' })
  headers!: UploadHeader[];

  @Field(() => Date, { description: 'When `uploadUrl` stops working.' })
  expiresAt!: Date;
}

@Resolver(() => File)
export class FileResolver {
  @UserOrDevice(
    'the family of the upload: REPORT for a device, VIEW or MANAGE by purpose for a user; an avatar: the user',
  )
  @Mutation(() => UploadTicket, {
    description:
      'Starts an upload for a family you belong to (a member or its device), or of your own avatar (AVATAR, no family). Unverified files cannot be referenced; unreferenced ones are deleted after 24 hours.',
  })
  createUpload(
    @Arg('input', () => CreateUploadInput, { description: 'What will be uploaded.' })
    input: CreateUploadInput,
    @Ctx() ctx: Context,
  ): Promise<UploadTicket> {
    return ctx.app.services.file.createUpload(ctx, input);
  }

  @UserOrDevice('the uploader of the file')
  @Mutation(() => File, {
    description:
      'Verifies an upload you made (size, type by magic bytes; images re-encoded, at most 2048 px, metadata stripped): READY or REJECTED.',
  })
  completeUpload(
    @Arg('fileId', () => ID, { description: 'The file from createUpload.' }) fileId: string,
    @Ctx() ctx: Context,
  ): Promise<File> {
    return ctx.app.services.file.completeUpload(ctx, FILE_ID.test(fileId) ? fileId : '-');
  }

  @UserOrDevice(
    "the uploader; VIEW on the file's family; an avatar: whoever sees the user; a message picture: the two sides of its message",
  )
  @Query(() => File, {
    description:
      'A file of one of your families (a MESSAGE_IMAGE only to its uploader and to the sender and recipient of a message carrying it), or an avatar you may see; NOT_FOUND otherwise.',
  })
  file(
    @Arg('id', () => ID, { description: 'The file.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<File> {
    return ctx.app.services.file.get(ctx, FILE_ID.test(id) ? id : '-');
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'A signed download URL, valid for 10 minutes (READY files only).',
  })
  url(@Root() file: Plain<File>, @Ctx() ctx: Context): Promise<string | null> {
    return ctx.app.services.file.url(file);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'A signed URL of a thumbnail of at most 256 px, valid for 10 minutes (images).',
  })
  thumbnailUrl(@Root() file: Plain<File>, @Ctx() ctx: Context): Promise<string | null> {
    return ctx.app.services.file.url(file, true);
  }
}

const loadFile = (ctx: Context, id: string | null) =>
  id === null ? Promise.resolve(null) : ctx.loaders.file.load(id);

@Resolver(() => Activity)
export class ActivityFileResolver {
  @FieldResolver(() => File, { nullable: true, description: 'The snapshot, if one was taken.' })
  image(@Root() activity: Plain<Activity>, @Ctx() ctx: Context): Promise<File | null> {
    return loadFile(ctx, activity.imageId);
  }
}

@Resolver(() => Notification)
export class NotificationFileResolver {
  @FieldResolver(() => File, { nullable: true, description: 'The snapshot, if any.' })
  imageFile(@Root() notification: Plain<Notification>, @Ctx() ctx: Context): Promise<File | null> {
    return loadFile(ctx, notification.imageId);
  }
}

@Resolver(() => Message)
export class MessageFileResolver {
  @FieldResolver(() => File, { nullable: true, description: 'The attached picture, if any.' })
  imageFile(@Root() message: Plain<Message>, @Ctx() ctx: Context): Promise<File | null> {
    return loadFile(ctx, message.imageId);
  }
}

@Resolver(() => FamilyBackground)
export class FamilyBackgroundFileResolver {
  @FieldResolver(() => File, { nullable: true, description: 'The picture.' })
  file(@Root() background: Plain<FamilyBackground>, @Ctx() ctx: Context): Promise<File | null> {
    return loadFile(ctx, background.fileId);
  }
}

@Resolver(() => User)
export class UserFileResolver {
  @FieldResolver(() => File, {
    nullable: true,
    description:
      'Profile picture, if set: visible to the user, to everyone who shares a family with them and to admins (null for anyone else).',
  })
  async avatar(@Root() user: Plain<User>, @Ctx() ctx: Context): Promise<File | null> {
    if (user.avatarId === null || !(await ctx.access.canSeeAvatar(user.id))) return null;
    return loadFile(ctx, user.avatarId);
  }
}

openData(
  File,
  "decided per file before it is returned (FileService through Access): the uploader; VIEW on the file's family; an avatar, whoever sees its user; a message picture, the two sides of its message",
);
openData(UploadTicket, 'returned to the uploader only');
openData(UploadHeader, 'part of UploadTicket');
