package io.kinesin.kernel.supervise;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transition table itself. */
class StepTest {

    @Test
    void finalStatesTakeNoStepButAnOperatorsStart() {
        for (State s : new State[] {State.EXITED, State.FAILED}) {
            assertThat(Step.RELEASED.next(s)).isEqualTo(State.STARTING);
            for (Step step : Step.values()) {
                if (step == Step.RELEASED) {
                    continue;
                }
                assertThat(step.allowedFrom(s)).as("%s from %s", step, s).isFalse();
            }
        }
    }

    @Test
    void everyLiveStateCanEndOrBeStopped() {
        for (State s : State.values()) {
            if (!s.isFinal()) {
                assertThat(Step.ENDED.allowedFrom(s) || Step.CANCELLED.allowedFrom(s)).as("a way out of %s", s).isTrue();
            }
            if (s.hasProcess()) {
                assertThat(Step.STOP.next(s)).isEqualTo(State.STOPPING);
            }
        }
    }

    @Test
    void theLifeOfARestartingInstance() {
        State s = State.STARTING;
        s = Step.SPAWNED.next(s);
        assertThat(s).isEqualTo(State.RUNNING);
        s = Step.BECAME_READY.next(s);
        assertThat(s).isEqualTo(State.READY);
        s = Step.BACK_OFF.next(s);
        assertThat(s).isEqualTo(State.BACKOFF);
        s = Step.SPAWNED.next(s);
        s = Step.STOP.next(s);
        assertThat(Step.ABANDONED.next(s)).isEqualTo(State.EXITED);
        assertThat(Step.ENDED.next(s)).isEqualTo(State.EXITED);
    }

    @Test
    void aStepTheStateDoesNotAllowIsABug() {
        assertThatThrownBy(() -> Step.BECAME_READY.next(State.STARTING))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("starting").hasMessageContaining("BECAME_READY");
        assertThatThrownBy(() -> Step.SPAWNED.next(State.STOPPING)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Step.ABANDONED.next(State.READY)).isInstanceOf(IllegalStateException.class);
    }
}
