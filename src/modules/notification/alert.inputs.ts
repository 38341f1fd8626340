import {
  ArrayMaxSize,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { CharLength, IsNotBlank, IsPhone } from '../../graphql/validators.js';
import { NotificationKind } from './notification.enums.js';

@InputType({ description: "A family's alert settings; omitted fields keep their value." })
export class AlertSettingsInput {
  @Field(() => Int, {
    nullable: true,
    description: 'Grace window in seconds, 0 (none) to 300 (default 30).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(300)
  graceSeconds?: number | null;

  @Field(() => [NotificationKind], {
    nullable: true,
    description: 'Kinds that wait for the grace window besides FALL (at most 11).',
  })
  @IsOptional()
  @ArrayMaxSize(11)
  @IsIn(Object.values(NotificationKind), { each: true })
  graceKinds?: NotificationKind[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'HTTP(S) URL escalations are POSTed to (signed); null removes it.',
  })
  @IsOptional()
  @MaxLength(500)
  @IsUrl(
    { require_protocol: true, protocols: ['http', 'https'], require_tld: false },
    {
      message: 'must be an http(s) URL',
    },
  )
  webhookUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The HMAC-SHA256 key of the webhook signature, 16–100 characters.',
  })
  @IsOptional()
  @MinLength(16)
  @MaxLength(100)
  webhookSecret?: string | null;
}

@InputType({ description: 'An emergency contact (someone outside the app).' })
export class EmergencyContactInput {
  @Field({ description: 'Name, 1–100 characters.' })
  @CharLength(1, 100)
  @IsNotBlank()
  name!: string;

  @Field(() => String, { nullable: true, description: 'Phone number.' })
  @IsOptional()
  @IsPhone()
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address.' })
  @IsOptional()
  @MaxLength(254)
  @IsEmail()
  email?: string | null;

  @Field(() => Int, { nullable: true, description: 'Call order, 0–99 (lower first).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(99)
  position?: number | null;
}
