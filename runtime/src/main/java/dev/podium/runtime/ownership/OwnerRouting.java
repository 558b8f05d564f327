package dev.podium.runtime.ownership;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.spi.exception.RetryableException;
import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Sends each call of a service interface to the owner of its key. Bound on the service's shared
 * address (the event bus picks any instance), it runs the call here when this instance owns the key
 * and otherwise forwards it once, to the owner's own address. The key is the call's first argument
 * (an event id); methods named as unkeyed (start an event, list events) run where they arrive.
 * Every method must return a {@link Future}.
 *
 * <p>A call that fails because the cluster is moving (the owner it was forwarded to is gone, a
 * Hazelcast operation met a member that left or a partition in migration) fails with {@link
 * ErrorCode#SERVICE_UNAVAILABLE}, which tells the client to try again, rather than reaching it as
 * {@code internal}: the service proxy would otherwise report any failure that is not a {@code
 * ServiceException} as an unknown one. A forwarded call the owner did not answer in time fails with
 * {@link ErrorCode#OUTCOME_UNKNOWN}: the owner may have applied it.
 */
public final class OwnerRouting {
  private OwnerRouting() {}

  /**
   * @param local this instance's implementation
   * @param remote a proxy to the instance with this id (its own address)
   * @param unkeyed names of methods that run on whichever instance receives them
   */
  public static <T> T route(
      Class<T> type,
      T local,
      Function<String, T> remote,
      ServiceOwnership ownership,
      Set<String> unkeyed) {
    return route(type, local, remote, ownership, unkeyed, false);
  }

  /**
   * An instance's own implementation as it is bound on the instance's own address: every call runs
   * here, and a failure of the cluster in motion (a Hazelcast operation that met a member that left
   * or a partition in migration) is {@link ErrorCode#SERVICE_UNAVAILABLE}, as it is for a call that
   * comes through {@link #route}. Bound bare, such a failure reached the caller as an unknown one,
   * which the gateway reports as {@code internal}; callers that know the owner ({@link
   * OwnerClient}) call this address directly.
   */
  @SuppressWarnings("unchecked")
  public static <T> T guarded(Class<T> type, T local) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                method.getDeclaringClass() == Object.class
                    ? method.invoke(local, args)
                    : call(method, local, args));
  }

  /**
   * A client's side of the same routing ({@link OwnerClient}): each keyed call goes to the owner's
   * own address as {@code observed} (a ring this process observes) says; unkeyed calls, and keyed
   * ones while the ring names no owner, go to {@code shared}, the service's shared address.
   */
  static <T> T toOwners(
      Class<T> type,
      T shared,
      Function<String, T> remote,
      ServiceOwnership observed,
      Set<String> unkeyed) {
    return route(type, shared, remote, observed, unkeyed, true);
  }

  @SuppressWarnings("unchecked")
  private static <T> T route(
      Class<T> type,
      T local,
      Function<String, T> remote,
      ServiceOwnership ownership,
      Set<String> unkeyed,
      boolean localWhenNoOwner) {
    Map<String, T> proxies = new ConcurrentHashMap<>();
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return method.invoke(local, args);
              }
              if (unkeyed.contains(method.getName())
                  || args == null
                  || args.length == 0
                  || !(args[0] instanceof String key)) {
                return call(method, local, args);
              }
              String owner = ownership.owner(key);
              if (owner == null && localWhenNoOwner) {
                return call(method, local, args);
              }
              if (owner == null) {
                return Future.failedFuture(
                    ErrorCode.SERVICE_UNAVAILABLE.exception(
                        "No "
                            + type.getSimpleName()
                            + " instance owns this event right now; try again"));
              }
              if (owner.equals(ownership.instanceId())) {
                return call(method, local, args);
              }
              return call(method, proxies.computeIfAbsent(owner, remote), args);
            });
  }

  private static Object call(Method method, Object target, Object[] args) {
    try {
      Object result = method.invoke(target, args);
      return result instanceof Future<?> future
          ? future.recover(e -> Future.failedFuture(whileMoving(e)))
          : result;
    } catch (InvocationTargetException e) {
      return Future.failedFuture(whileMoving(e.getCause()));
    } catch (IllegalAccessException e) {
      return Future.failedFuture(e);
    }
  }

  /** A failure of the cluster in motion as {@code service_unavailable}; anything else unchanged. */
  static Throwable whileMoving(Throwable failure) {
    if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
      // The owner got the call, or not: it may have applied it and its answer be late.
      return ErrorCode.OUTCOME_UNKNOWN.exception(
          "The service instance that owns this event did not answer in time (it may have just"
              + " stopped, or be slow to reach); what was asked may or may not have been done");
    }
    if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      return ErrorCode.SERVICE_UNAVAILABLE.exception(
          "The service instance that owns this event is not there (it may have just stopped); try again");
    }
    if (failure instanceof HazelcastException || failure instanceof RetryableException) {
      return ErrorCode.SERVICE_UNAVAILABLE.exception("The cluster is moving this event; try again");
    }
    return failure;
  }
}
