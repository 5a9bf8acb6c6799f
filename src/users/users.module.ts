import { DynamicModule, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RefusedUsers } from '../auth/refused-users';
import { User } from '../auth/user.entity';
import { USER_WRITER } from '../auth/user-writer';
import { MasterRepository } from '../sync/master-repository';
import { ReplicaApplier } from '../sync/replica-applier.service';
import { masterRepositoryToken, SyncModule } from '../sync/sync.module';
import { Settings } from '../settings/settings';
import { SyncedUser } from './synced-user.entity';
import { SyncedUsersService } from './synced-users.service';
import { SyncedUserWriter, USER_CQRS_ID, USER_MASTER, userReplica } from './user-sync';

/** After a restart a verify-only service still refuses the users it knew were deactivated or deleted. */
class RefusedUsersLoader implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ReplicaApplier) private readonly applier: ReplicaApplier,
    @Inject(RefusedUsers) private readonly refused: RefusedUsers,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const inactive = await this.dataSource
      .getRepository(SyncedUser)
      .find({ where: { isActive: false }, select: { id: true } });
    for (const user of inactive) this.refused.refuse(user.id);
    for (const id of await this.applier.tombstonedPks(USER_CQRS_ID)) this.refused.refuse(id);
  }
}

/**
 * Users across services (DESIGN.md "Data sync"): the login service (JWT_SIGN_KEY set) masters
 * `user` and writes users through data sync; a verify-only service (JWT_SIGN_KEY=0) keeps a
 * replica in `synced_users` and refuses deactivated or deleted users' tokens within a second.
 */
@Module({})
export class UsersModule {
  static forRoot(settings: Settings): DynamicModule {
    if (settings.jwtSignKey !== false)
      return {
        module: UsersModule,
        global: true, // USER_WRITER reaches UsersService, which lives in the (lower) auth module
        imports: [TypeOrmModule.forFeature([User]), SyncModule.forMaster(USER_MASTER)],
        providers: [
          {
            provide: USER_WRITER,
            inject: [masterRepositoryToken(User)],
            useFactory: (master: MasterRepository<User>) => new SyncedUserWriter(master),
          },
        ],
        exports: [USER_WRITER],
      };
    return {
      module: UsersModule,
      imports: [
        TypeOrmModule.forFeature([SyncedUser]),
        SyncModule.forReplica({
          inject: [RefusedUsers],
          useFactory: (refused: RefusedUsers) => userReplica(refused),
        }),
      ],
      providers: [RefusedUsersLoader, SyncedUsersService],
      exports: [SyncedUsersService],
    };
  }
}
