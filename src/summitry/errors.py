"""The summitry exception tree.

Every error summitry raises on purpose derives from :class:`SummitryError` and from the
builtin it most resembles, so ``except ValueError`` keeps working for callers who do not
know summitry::

    SummitryError
    ├── ModelError (ValueError)
    │   ├── InvalidIssueError
    │   ├── InvalidOutcomeError
    │   ├── InvalidUtilityError
    │   ├── InvalidScenarioError
    │   └── OutcomeSpaceTooLargeError (MemoryError is *not* used: nothing was allocated)
    ├── ScenarioFormatError (ValueError)          a file could not be read or written
    │   ├── UnsafeXMLError                        DOCTYPE / entities in an XML document
    │   └── UnsafeScenarioError                   a field that would run code (a pickle, a Python expression)
    ├── OutputPathError (ValueError)              an output path cannot be written (checked before the work)
    ├── UnknownNameError (LookupError)
    │   ├── UnknownScenarioError
    │   ├── UnknownAgentError
    │   └── UnknownProtocolError
    ├── ProtocolError (RuntimeError)
    │   ├── IllegalActionError (ValueError)       wrong turn, invalid outcome, bad vote
    │   ├── MechanismFinishedError                acting after the end
    │   ├── HistoryNotKeptError (IndexError)      reading offers a run let go (a negotiator that said it would not)
    │   └── MechanismSetupError (ValueError)      bad deadline/discount, wrong number of negotiators
    ├── AgentCheckError (AssertionError)          a negotiator failed check_negotiator
    ├── AgentParameterError (ValueError)          "boulware:exponent=x" names or sets a parameter wrongly
    ├── MissingExtraError (ImportError)           an optional extra (e.g. summitry[negmas]) is not installed
    ├── TraceError (ValueError)                   a trace that cannot be replayed or parsed
    ├── StoreError (RuntimeError)                 a database URL or a stored session is unusable
    │   └── UnknownSessionError (also LookupError) no stored session has this id
    ├── EnvoyError (RuntimeError)                 the server refused an envoy or could not be reached
    ├── ServerRequestError (RuntimeError)         the server refused a client's request or could not be reached
    ├── RoadmapError (ValueError)
    │   ├── CyclicPrerequisiteError
    │   ├── UnknownCommitmentError (also LookupError)
    │   ├── PlanningError                         the solver found no plan
    │   └── RoadmapFileError                      a commitments/plan/events/catalogue file is malformed
    ├── AgendaError (ValueError)
    │   ├── UnknownTimeZoneError (also LookupError)
    │   ├── InvalidMeetingError
    │   ├── SummitFileError                       a summit file could not be read (file + item)
    │   └── UnknownSummitError (also LookupError) no such summit file or shipped summit
    └── TournamentError (ValueError)
        ├── TournamentSpecError                   a tournament spec file is malformed (file + field + line)
        └── TournamentStoreError                  a results folder/store that does not fit (other spec, none)

Each message names the field, file or line, says what was expected and what came, and
suggests a fix where it can.
"""

from __future__ import annotations

__all__ = [
    "AgendaError",
    "AgentCheckError",
    "AgentParameterError",
    "CyclicPrerequisiteError",
    "EnvoyError",
    "HistoryNotKeptError",
    "IllegalActionError",
    "InvalidIssueError",
    "InvalidMeetingError",
    "InvalidOutcomeError",
    "InvalidScenarioError",
    "InvalidUtilityError",
    "MechanismFinishedError",
    "MechanismSetupError",
    "MissingExtraError",
    "ModelError",
    "OutcomeSpaceTooLargeError",
    "OutputPathError",
    "PlanningError",
    "ProtocolError",
    "RoadmapError",
    "RoadmapFileError",
    "ScenarioFormatError",
    "ServerRequestError",
    "StoreError",
    "SummitFileError",
    "SummitryError",
    "TournamentError",
    "TournamentSpecError",
    "TournamentStoreError",
    "TraceError",
    "UnknownAgentError",
    "UnknownCommitmentError",
    "UnknownNameError",
    "UnknownProtocolError",
    "UnknownScenarioError",
    "UnknownSessionError",
    "UnknownSummitError",
    "UnknownTimeZoneError",
    "UnsafeScenarioError",
    "UnsafeXMLError",
]


class SummitryError(Exception):
    """Base class of every error summitry raises on purpose."""


class ModelError(SummitryError, ValueError):
    """A domain object was built with values that break its invariants."""


class InvalidIssueError(ModelError):
    """An issue's definition is inconsistent (empty values, low > high, ...)."""


class InvalidOutcomeError(ModelError):
    """An outcome does not belong to its outcome space."""


class InvalidUtilityError(ModelError):
    """A utility function does not fit its outcome space or has bad weights/values."""


class InvalidScenarioError(ModelError):
    """A scenario is inconsistent (duplicate party names, utilities over another space...)."""


class OutcomeSpaceTooLargeError(ModelError):
    """An operation would enumerate more outcomes than allowed at once."""


class ScenarioFormatError(SummitryError, ValueError):
    """A scenario file could not be read or written."""


class OutputPathError(SummitryError, ValueError):
    """An output path cannot be written: a folder where a file is expected, a file in the way, no permission."""


class UnsafeXMLError(ScenarioFormatError):
    """An XML document carries a DOCTYPE, entity declaration or external reference."""


class UnsafeScenarioError(ScenarioFormatError):
    """A scenario file holds a field that would run code when read (a pickle, a Python expression)."""


class UnknownNameError(SummitryError, LookupError):
    """A name (scenario, agent, protocol) is not registered."""


class UnknownScenarioError(UnknownNameError):
    """No shipped scenario, file or folder has this name."""


class UnknownAgentError(UnknownNameError):
    """No registered negotiator has this name."""


class UnknownProtocolError(UnknownNameError):
    """No registered protocol has this name."""


class ProtocolError(SummitryError, RuntimeError):
    """A mechanism was used against its rules."""


class IllegalActionError(ProtocolError, ValueError):
    """An action is not legal now: wrong turn, invalid outcome, wrong kind of action."""


class MechanismFinishedError(ProtocolError):
    """A step was requested after the negotiation ended."""


class HistoryNotKeptError(ProtocolError, IndexError):
    """An offer the run let go was read from ``Observation.history``.

    A run that keeps no trace (``run(..., keep_events=False)``) lets old offers go only when
    every negotiator declares ``needs_full_history = False`` (it reads only the offers made
    since its own previous turn); a negotiator that reads further back must not declare it.
    """


class TraceError(SummitryError, ValueError):
    """A trace could not be parsed or replayed."""


class StoreError(SummitryError, RuntimeError):
    """A database URL is not one summitry can use, or a stored session cannot be used."""


class UnknownSessionError(StoreError, LookupError):
    """No stored session has this id."""


class EnvoyError(SummitryError, RuntimeError):
    """An envoy could not take part: the server refused it, or stayed unreachable."""


class ServerRequestError(SummitryError, RuntimeError):
    """A summitry server refused a client's request (its status and error), or could not be reached."""


class RoadmapError(SummitryError, ValueError):
    """A road-map or its commitments are inconsistent."""


class CyclicPrerequisiteError(RoadmapError):
    """Commitments' prerequisites form a cycle."""


class UnknownCommitmentError(RoadmapError, LookupError):
    """A prerequisite or event names a commitment that does not exist."""


class PlanningError(RoadmapError):
    """The planner could not find a plan."""


class AgendaError(SummitryError, ValueError):
    """An agenda or a meeting is inconsistent."""


class UnknownTimeZoneError(AgendaError, LookupError):
    """A time-zone name is not in the IANA database."""


class InvalidMeetingError(AgendaError):
    """A meeting is malformed (ends before it starts, no participants...)."""


class AgentCheckError(SummitryError, AssertionError):
    """A negotiator failed :func:`summitry.agents.check_negotiator` (illegal action, below reservation...)."""


class AgentParameterError(SummitryError, ValueError):
    """An agent was given a parameter it does not take, or a value it cannot use."""


class MissingExtraError(SummitryError, ImportError):
    """An optional extra is needed and not installed; the message says how to install it."""


class MechanismSetupError(ProtocolError, ValueError):
    """A mechanism or a run was set up inconsistently (bad deadline, wrong number of negotiators...)."""


class SummitFileError(AgendaError):
    """A summit file is malformed: bad YAML, a missing or mistyped field (named with file and item)."""


class UnknownSummitError(AgendaError, LookupError):
    """Neither a summit file nor a shipped summit has this name."""


class RoadmapFileError(RoadmapError):
    """A road-map file (commitments, plan, events, catalogue) could not be read or written."""


class TournamentError(SummitryError, ValueError):
    """A tournament could not be set up, run or reported."""


class TournamentSpecError(TournamentError):
    """A tournament spec is malformed: bad YAML, a missing or mistyped field, an unknown agent or scenario."""


class TournamentStoreError(TournamentError):
    """A results folder or store does not fit: it holds another spec's results, or none at all."""
