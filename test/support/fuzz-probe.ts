import { Controller, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';

export const FUZZ_PATTERN = 'fuzz.#';

/** What the probe handler takes: anything else is a 400 from the validation pipe (parked). */
class FuzzEventDto {
  @IsString()
  @MaxLength(100)
  name!: string;

  @IsInt()
  @Min(0)
  count!: number;
}

/** Counts the fuzzed messages its handler took (the rest are parked by the bus). */
export class FuzzReceived {
  handled = 0;
}

@Controller()
class FuzzEventsController {
  constructor(private readonly received: FuzzReceived) {}

  @EventPattern<string>(FUZZ_PATTERN)
  onEvent(@Payload() event: FuzzEventDto): void {
    if (typeof event.name !== 'string') throw new Error('the validation pipe let a bad body through');
    this.received.handled++;
  }
}

@Module({ controllers: [FuzzEventsController], providers: [FuzzReceived] })
export class FuzzProbeModule {}
