import { DynamicModule, Global, Module } from '@nestjs/common';
import { Settings, SETTINGS } from './settings';

/** Provides the settings object, loaded before Nest starts, to every module. */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: SettingsModule,
      providers: [{ provide: SETTINGS, useValue: settings }],
      exports: [SETTINGS],
    };
  }
}
