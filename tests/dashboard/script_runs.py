"""The script runs a Streamlit page asked its server for, and the runs the server reported,
read off the page's websocket frames (Chrome DevTools' Network events)."""

from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# A run that ended with one of these drew the page for the requests sent before it began;
# FINISHED_EARLY_FOR_RERUN is always followed by another run.
ANSWERING = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


@dataclass
class ScriptRuns:
    """One document's rerun requests and script runs.

    A click, a chosen option or a committed text box sends a `rerun_script` message at
    once, but the run it causes starts on the server later (seconds later on a loaded
    machine); until then the page still looks idle. A request is answered by the first
    run that starts after it was sent (`new_session`) and then finishes."""

    sockets: set[str] = field(default_factory=set)
    requested: int = 0  # rerun requests sent
    answered: int = 0  # requests answered by a finished run
    running_for: int | None = None  # the requests the run in progress answers
    finished: int = 0  # `script_finished` messages, as the page counts them

    def opened(self, socket: str) -> None:
        self.sockets.add(socket)

    def sent(self, socket: str, payload: bytes) -> None:
        if socket in self.sockets and BackMsg.FromString(payload).WhichOneof("type") == (
            "rerun_script"
        ):
            self.requested += 1

    def received(self, socket: str, payload: bytes) -> None:
        if socket not in self.sockets:
            return
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.running_for = self.requested
        elif kind == "script_finished":
            if message.metadata.run.script_run_id:  # the page counts only these
                self.finished += 1
            if message.script_finished in ANSWERING and self.running_for is not None:
                self.answered = max(self.answered, self.running_for)
                self.running_for = None

    @property
    def quiet(self) -> bool:
        """Every request sent has been answered and no run is in progress."""
        return self.running_for is None and self.answered == self.requested
