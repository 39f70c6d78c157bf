import { IsInt, IsNotEmpty, IsPositive, IsString, MaxLength } from 'class-validator';

/** Body of `POST /notifications`. */
export class CreateNotificationDto {
  @IsInt()
  @IsPositive()
  recipientId!: number;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  body!: string;
}
