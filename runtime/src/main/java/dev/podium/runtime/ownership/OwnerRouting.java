package dev.podium.runtime.ownership;

import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Sends each call of a service interface to the owner of its key. Bound on the service's shared
 * address (the event bus picks any instance), it runs the call here when this instance owns the
 * key and otherwise forwards it once, to the owner's own address. The key is the call's first
 * argument (an event id); methods named as unkeyed (start an event, list events) run where they
 * arrive. Every method must return a {@link Future}.
 */
public final class OwnerRouting {
  private OwnerRouting() {
  }

  /**
   * @param local   this instance's implementation
   * @param remote  a proxy to the instance with this id (its own address)
   * @param unkeyed names of methods that run on whichever instance receives them
   */
  @SuppressWarnings("unchecked")
  public static <T> T route(Class<T> type, T local, Function<String, T> remote, ServiceOwnership ownership,
      Set<String> unkeyed) {
    Map<String, T> proxies = new ConcurrentHashMap<>();
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return method.invoke(local, args);
      }
      if (unkeyed.contains(method.getName()) || args == null || args.length == 0 || !(args[0] instanceof String key)) {
        return call(method, local, args);
      }
      String owner = ownership.owner(key);
      if (owner == null) {
        return Future.failedFuture(ErrorCode.SERVICE_UNAVAILABLE.exception(
            "No " + type.getSimpleName() + " instance owns this event right now; try again"));
      }
      if (owner.equals(ownership.instanceId())) {
        return call(method, local, args);
      }
      return call(method, proxies.computeIfAbsent(owner, remote), args);
    });
  }

  private static Object call(Method method, Object target, Object[] args) {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      return Future.failedFuture(e.getCause());
    } catch (IllegalAccessException e) {
      return Future.failedFuture(e);
    }
  }
}
