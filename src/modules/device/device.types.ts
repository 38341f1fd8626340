import { IsOptional, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, ObjectType } from 'type-graphql';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { Device } from './device.entity.js';

@ObjectType({ description: 'A newly registered device and its token (shown only now).' })
export class DeviceRegistration {
  @Field(() => Device, { description: 'The device.' })
  device!: Device;

  @Field({
    description: 'Device token for `Authorization: Device <token>`; store it on the Carebot.',
  })
  token!: string;
}

@ArgsType()
export class RegisterDeviceArgs {
  @Field(() => ID, { description: 'The family the device serves.' })
  familyId!: string;

  @Field({ description: 'A name for the device, 1–50 characters.' })
  @CharLength(1, 50)
  @IsNotBlank()
  name!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Your password; required on a "remember me" session whose log-in is over 15 minutes old.',
  })
  @IsOptional()
  @MaxLength(1024, { message: 'is too long' })
  currentPassword?: string | null;
}
