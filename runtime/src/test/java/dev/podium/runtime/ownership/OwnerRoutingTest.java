package dev.podium.runtime.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * While the cluster moves an event (its owner killed, a partition migrating), the client is told
 * {@code service_unavailable} ("try again"), not {@code internal}; the service's own refusals and
 * real faults pass unchanged.
 */
class OwnerRoutingTest {

  /** A one-method service whose call fails as told. */
  interface Svc {
    Future<String> act(String eventId);
  }

  private static ErrorCode codeOf(Throwable failure) {
    Svc routed =
        OwnerRouting.route(
            Svc.class, id -> Future.failedFuture(failure), id -> null, null, Set.of("act"));
    return ErrorCode.of(routed.act("ev-1").cause());
  }

  @Test
  void failuresOfAClusterInMotionAreServiceUnavailable() {
    assertEquals(
        ErrorCode.SERVICE_UNAVAILABLE,
        codeOf(new ReplyException(ReplyFailure.NO_HANDLERS, "gone")));
    assertEquals(
        ErrorCode.SERVICE_UNAVAILABLE, codeOf(new ReplyException(ReplyFailure.TIMEOUT, "slow")));
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, codeOf(new TargetNotMemberException("left")));
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, codeOf(new MemberLeftException("left")));
  }

  /**
   * A forwarded call the owner did not answer in time may have been applied there: a client asking
   * for a change is told the outcome is unknown, never "unavailable, try again"; one that only
   * reads or enters still sees service_unavailable.
   */
  @Test
  void aForwardedCallTheOwnerDidNotAnswerInTimeHasAnUnknownOutcome() {
    Throwable late = OwnerRouting.whileMoving(new ReplyException(ReplyFailure.TIMEOUT, "slow"));
    assertEquals(ErrorCode.OUTCOME_UNKNOWN, ErrorCode.ofChange(late));
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.of(late));
    Throwable gone = OwnerRouting.whileMoving(new ReplyException(ReplyFailure.NO_HANDLERS, "gone"));
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.ofChange(gone));
    assertEquals(
        ErrorCode.OUTCOME_UNKNOWN,
        ErrorCode.ofChange(new ReplyException(ReplyFailure.TIMEOUT, "no answer here")));
  }

  @Test
  void refusalsAndRealFaultsPassUnchanged() {
    assertEquals(ErrorCode.NOT_HOST, codeOf(ErrorCode.NOT_HOST.exception("no")));
    assertEquals(ErrorCode.INTERNAL, codeOf(new IllegalStateException("a bug")));
    assertEquals(
        ErrorCode.INTERNAL, codeOf(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, -1, "boom")));
    IllegalStateException bug = new IllegalStateException("a bug");
    assertSame(bug, OwnerRouting.whileMoving(bug));
  }

  /**
   * What an instance's own address answers (callers that know the owner call it directly): the
   * cluster in motion is service_unavailable there too, and refusals pass unchanged.
   */
  @Test
  void theOwnAddressAnswersTheSame() {
    for (Throwable moving :
        List.of(
            new TargetNotMemberException("left"),
            new MemberLeftException("left"),
            new ReplyException(ReplyFailure.TIMEOUT, "slow"))) {
      Svc own = OwnerRouting.guarded(Svc.class, id -> Future.failedFuture(moving));
      assertEquals(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.of(own.act("ev-1").cause()));
    }
    Svc refusing =
        OwnerRouting.guarded(
            Svc.class, id -> Future.failedFuture(ErrorCode.NOT_HOST.exception("no")));
    assertEquals(ErrorCode.NOT_HOST, ErrorCode.of(refusing.act("ev-1").cause()));
    Svc throwing =
        OwnerRouting.guarded(
            Svc.class,
            id -> {
              throw new TargetNotMemberException("thrown, not returned");
            });
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.of(throwing.act("ev-1").cause()));
    Svc fine = OwnerRouting.guarded(Svc.class, id -> Future.succeededFuture("done " + id));
    assertEquals("done ev-1", fine.act("ev-1").result());
  }
}
