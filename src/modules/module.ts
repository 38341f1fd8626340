import type { Config } from '../config.js';
import type { Orm } from '../database/orm.js';
import type { PeriodicJob } from '../jobs/periodic.js';
import type { JobHandler } from '../jobs/runner.js';
import type { AiJobKind } from './ai/ai.enums.js';
import type { Mailer } from '../mail/mailer.js';
import type { Logger } from '../observability/logger.js';
import type { EventBus } from '../realtime/events.js';
import type { RateLimiter } from '../security/rate-limit.js';
import type { JobWaker } from './ai/ai.service.js';
import type { FileStorage } from './file/file.storage.js';

/**
 * The long-lived infrastructure every module may build its services from (the composition
 * root makes it once per server instance). Services never see the GraphQL context: they get
 * these in their constructor and a Scope per call.
 */
export interface Core {
  config: Config;
  orm: Orm;
  logger: Logger;
  /** Announce changes here (after commit); subscriptions deliver them. */
  events: EventBus;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  fileStorage: FileStorage;
  /** Runs queued background jobs; told when a service queued one. */
  jobs: JobWaker;
  /** The server's time (a test may move it): e.g. a reading's receive time. */
  clock: () => Date;
}

/**
 * What one feature folder contributes. The composition root (`src/modules/index.ts`) lists the
 * descriptors and nothing else: adding a module is one folder and one line there.
 *
 * `Provides` are the services the module builds; `Needs` the services of modules listed before
 * it that its services take in their constructors.
 */
export interface ModuleDescriptor<Provides extends object = object, Needs extends object = object> {
  /** The folder's name. */
  name: string;
  /** MikroORM entities the module owns (its tables). */
  entities: readonly (abstract new (...args: never[]) => object)[];
  /** TypeGraphQL resolver classes (operations and field resolvers). */
  resolvers: readonly (new (...args: never[]) => object)[];
  /** Builds the module's services from the core and earlier modules' services. */
  services?: (deps: Core & Needs) => Provides;
  /** Its periodic jobs (run once per cluster; each idempotent by construction). */
  periodic?: (deps: Core & Needs & Provides) => PeriodicJob[];
  /** Handlers of its durable job kinds, registered on the job runner before it starts. */
  jobHandlers?: (deps: Core & Needs & Provides) => Partial<Record<AiJobKind, JobHandler>>;
}

/** Any module, whatever its services (what the composition root handles). */
export interface AnyModule {
  name: string;
  entities: ModuleDescriptor['entities'];
  resolvers: ModuleDescriptor['resolvers'];
  services?: (deps: never) => object;
  periodic?: (deps: never) => PeriodicJob[];
  jobHandlers?: (deps: never) => Partial<Record<AiJobKind, JobHandler>>;
}

/** Declares a module (see {@link ModuleDescriptor}); the type parameters state its services. */
export function defineModule<
  Provides extends object = Record<never, never>,
  Needs extends object = Record<never, never>,
>(descriptor: ModuleDescriptor<Provides, Needs>): ModuleDescriptor<Provides, Needs> {
  return descriptor;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

type ProvidedBy<D> = D extends ModuleDescriptor<infer P, infer _N> ? P : never;

/** The services that a list of modules provides, merged. */
export type ServicesOf<M extends readonly unknown[]> = UnionToIntersection<ProvidedBy<M[number]>>;

/**
 * Builds every module's services in list order, then collects their periodic jobs. A module
 * that needs a service of a module listed after it stops the server at start, naming both.
 */
export function buildServices(
  modules: readonly AnyModule[],
  core: Core,
): {
  services: Record<string, unknown>;
  periodic: PeriodicJob[];
  jobHandlers: [AiJobKind, JobHandler][];
} {
  const services: Record<string, unknown> = {};
  for (const module of modules) {
    if (module.services === undefined) continue;
    const available: Record<string, unknown> = { ...core, ...services };
    const deps = new Proxy(available, {
      get(target, key) {
        if (typeof key === 'string' && !(key in target))
          throw new Error(
            `Module ${module.name} needs "${key}", which no module listed before it provides.`,
          );
        return Reflect.get(target, key) as unknown;
      },
    });
    Object.assign(services, module.services(deps as never));
  }
  const all = { ...core, ...services };
  const periodic = modules.flatMap((module) => module.periodic?.(all as never) ?? []);
  const jobHandlers = modules.flatMap(
    (module) =>
      Object.entries(module.jobHandlers?.(all as never) ?? {}) as [AiJobKind, JobHandler][],
  );
  return { services, periodic, jobHandlers };
}
