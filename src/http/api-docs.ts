import {
  applyIsOptionalDecorator,
  applyValidateIfDefinedDecorator,
  inheritPropertyInitializers,
  inheritTransformationMetadata,
  inheritValidationMetadata,
} from '@nestjs/mapped-types';
import type { Type } from '@nestjs/common';
import type * as Swagger from '@nestjs/swagger';

/**
 * @nestjs/swagger's decorators, deferred: the package costs start-up time and memory (see
 * README, Performance) that a service nobody reads the docs of never needs, yet importing
 * its decorators on every controller and DTO would load it at start-up. These record each
 * call, and `loadSwagger()` (the first request for /docs) imports the package and applies
 * them in the order the classes were declared, with the same arguments on the same targets:
 * the OpenAPI document is the one the decorators would have produced at start-up.
 */
type SwaggerApi = typeof Swagger;
type AnyDecorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => unknown;
type DecoratorFactory = (...args: never[]) => AnyDecorator;

let swagger: SwaggerApi | null = null;
let loading: Promise<SwaggerApi> | null = null;
const pending: ((api: SwaggerApi) => void)[] = [];
/** The properties given ApiProperty(Optional), known before Swagger is: PartialType needs them. */
const documented = new WeakMap<object, Set<string | symbol>>();

/**
 * Every decorator recorded so far is applied before this resolves; later ones apply at once. An
 * import that fails is not kept: the next call imports again, the recorded decorators still
 * pending. (One that throws while being applied is a bug, not retried: the promise stays rejected.)
 */
export function loadSwagger(): Promise<SwaggerApi> {
  loading ??= import('@nestjs/swagger').then(
    (api) => {
      for (const apply of pending.splice(0)) apply(api);
      swagger = api;
      return api;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

function whenLoaded(apply: (api: SwaggerApi) => void): void {
  if (swagger) apply(swagger);
  else pending.push(apply);
}

function deferred<N extends keyof SwaggerApi>(name: N): SwaggerApi[N] {
  const isProperty = name === 'ApiProperty' || name === 'ApiPropertyOptional';
  const factory = (...args: never[]): AnyDecorator => {
    // A decorator's return value would replace the class or descriptor; Swagger's never do.
    return (target, key, descriptor) => {
      if (isProperty && key !== undefined) {
        const keys = documented.get(target) ?? new Set();
        documented.set(target, keys.add(key));
      }
      whenLoaded((api) => (api[name] as unknown as DecoratorFactory)(...args)(target, key, descriptor));
    };
  };
  return factory as unknown as SwaggerApi[N];
}

/**
 * Another package's decorator that documents with Swagger (it imports @nestjs/swagger itself),
 * made when Swagger loads and applied then.
 */
export function WhenSwaggerLoads(decorator: () => MethodDecorator): MethodDecorator {
  return (target, key, descriptor) => whenLoaded(() => decorator()(target, key, descriptor));
}

export const ApiBearerAuth = deferred('ApiBearerAuth');
export const ApiExcludeController = deferred('ApiExcludeController');
export const ApiNoContentResponse = deferred('ApiNoContentResponse');
export const ApiNotFoundResponse = deferred('ApiNotFoundResponse');
export const ApiOkResponse = deferred('ApiOkResponse');
export const ApiProperty = deferred('ApiProperty');
export const ApiPropertyOptional = deferred('ApiPropertyOptional');
export const ApiTags = deferred('ApiTags');
export const ApiTooManyRequestsResponse = deferred('ApiTooManyRequestsResponse');
export const ApiUnauthorizedResponse = deferred('ApiUnauthorizedResponse');

/**
 * Swagger's PartialType, in two halves: the validation and transformation rules now, with the
 * @nestjs/mapped-types helpers Swagger's own calls, in the same order (every validated or
 * documented property made optional once); the documented properties, each `required: false`,
 * when Swagger loads.
 */
export function PartialType<T>(
  classRef: Type<T>,
  options: { skipNullProperties?: boolean } = {},
): Type<Partial<T>> {
  const makeOptional =
    options.skipNullProperties === false ? applyValidateIfDefinedDecorator : applyIsOptionalDecorator;
  const source = classRef.prototype as object;
  const fields = [...documentedKeys(source)].filter(
    (key): key is string => typeof key === 'string' && typeof Reflect.get(source, key) !== 'function',
  );
  class PartialTypeClass {
    constructor() {
      inheritPropertyInitializers(this, classRef);
    }
  }
  Object.defineProperty(PartialTypeClass, 'name', { value: `Partial${classRef.name}` });
  const validated = inheritValidationMetadata(classRef, PartialTypeClass) ?? [];
  for (const key of validated) if (!fields.includes(key)) makeOptional(PartialTypeClass, key);
  inheritTransformationMetadata(classRef, PartialTypeClass);
  for (const key of fields) makeOptional(PartialTypeClass, key);
  whenLoaded((api) => {
    const keys = (Reflect.getMetadata(api.DECORATORS.API_MODEL_PROPERTIES_ARRAY, source) ?? []) as unknown[];
    for (const entry of keys) {
      if (typeof entry !== 'string' || !entry.startsWith(':')) continue;
      const key = entry.slice(1);
      if (typeof Reflect.get(source, key) === 'function') continue;
      const metadata = (Reflect.getMetadata(api.DECORATORS.API_MODEL_PROPERTIES, source, key) ??
        {}) as object;
      api.ApiProperty({ ...metadata, required: false })(PartialTypeClass.prototype, key);
    }
  });
  return PartialTypeClass;
}

function documentedKeys(prototype: object | null): Set<string | symbol> {
  const keys = new Set<string | symbol>();
  for (let at = prototype; at && at !== Object.prototype; at = Object.getPrototypeOf(at) as object | null) {
    for (const key of documented.get(at) ?? []) keys.add(key);
  }
  return keys;
}
