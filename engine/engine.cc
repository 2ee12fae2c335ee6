#include "engine/engine.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/command_validation.h"
#include "engine/decide.h"
#include "engine/event_codec.h"
#include "engine/evolve.h"
#include "engine/time_util.h"
#include "engine/until_settled.h"
#include "engine/upcasters.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::Command;
using hotline::v1::Event;
using hotline::v1::EventEnvelope;
using hotline::v1::TicketState;

ExecuteResult FromAppend(const store::AppendResult& r) {
  return ExecuteResult{r.first_sequence, r.count, r.stream_version, r.duplicate};
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Engine::Envelopes(
    const Command& command, const std::vector<Event>& events, uint64_t version,
    TicketState* state, std::vector<store::ExtraWrite>* writes) const {
  const google::protobuf::Timestamp recorded_at = ToProto(options_.clock());
  std::vector<EventEnvelope> envelopes(events.size());
  std::vector<EventEnvelope*> pointers;
  for (size_t i = 0; i < events.size(); ++i) {
    EventEnvelope& envelope = envelopes[i];
    *envelope.mutable_at() = command.at();
    *envelope.mutable_recorded_at() = recorded_at;
    *envelope.mutable_actor() = command.actor();
    envelope.set_schema_version(CurrentVersion(events[i]));
    *envelope.mutable_event() = events[i];
    pointers.push_back(&envelope);
  }
  HOTLINE_RETURN_IF_ERROR(personal_->Seal(command.ticket_id(), pointers, writes));
  std::vector<std::string> payloads;
  payloads.reserve(events.size());
  for (EventEnvelope& envelope : envelopes) {
    payloads.push_back(envelope.SerializeAsString());
    if (state != nullptr) {
      envelope.set_stream_id(command.ticket_id());
      envelope.set_stream_version(++version);
      Evolve(envelope, state);
    }
  }
  return payloads;
}

absl::StatusOr<hotline::v1::EventEnvelope> EventSubscription::Next(absl::Duration timeout) {
  HOTLINE_ASSIGN_OR_RETURN(store::Record record, records_->Next(timeout));
  EventEnvelope envelope;
  HOTLINE_RETURN_IF_ERROR(DecodeEvent(record, &envelope));
  return envelope;
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const std::string& path,
                                                     EngineOptions options) {
  if (!options.clock) options.clock = [] { return absl::Now(); };
  store::Options store_options;
  store_options.mode = options.mode;
  store_options.secondary_path = options.secondary_path;
  store_options.sync = options.sync;
  store_options.env = options.env;
  store_options.on_group_commit = options.on_group_commit;
  store_options.merkle_tree = options.merkle_tree;
  store_options.stream_cache_entries = options.stream_cache_entries;
  store_options.replicator = options.replicator;
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<store::EventLog> log,
                           store::EventLog::Open(path, store_options));
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<PersonalData> personal,
                           PersonalData::Open(log.get(), options.master_key));
  std::unique_ptr<Engine> engine(new Engine(path, std::move(options), std::move(log)));
  engine->personal_ = std::move(personal);
  HOTLINE_RETURN_IF_ERROR(engine->LoadDirectory());
  HOTLINE_RETURN_IF_ERROR(engine->LoadRebuildMark());
  if (engine->options_.maintain_statistics &&
      engine->options_.mode == store::OpenMode::kReadWrite) {
    engine->stats_thread_ = std::thread([e = engine.get()] { e->MaintainStatistics(); });
  }
  return engine;
}

Engine::~Engine() { (void)Close(); }

absl::Status Engine::Close() {
  stop_ = true;
  if (stats_thread_.joinable()) stats_thread_.join();
  return log_->Close();
}

void Engine::MaintainStatistics() {
  // Wakes on a commit, then lets commits gather for a moment so that one
  // fold and one write of the touched rows serve many of them (a flush per
  // commit doubled the write path's work). Checks stop_ every 50 ms.
  constexpr absl::Duration kGather = absl::Milliseconds(200);
  while (!stop_) {
    if (!log_->WaitForSequence(stats_->position() + 1, absl::Milliseconds(50)).ok()) continue;
    for (absl::Time until = absl::Now() + kGather; !stop_ && absl::Now() < until;) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    // A failure is retried on the next wake; Report() surfaces it to callers.
    (void)CatchUpStatistics();
  }
  (void)CatchUpStatistics();
}

absl::Status Engine::LoadDirectory() {
  HOTLINE_ASSIGN_OR_RETURN(std::shared_ptr<const Directory> directory, ReadDirectory(*log_));
  absl::MutexLock lock(&mu_);
  directory_ = std::move(directory);
  return absl::OkStatus();
}

std::shared_ptr<const Directory> Engine::directory() const {
  absl::MutexLock lock(&mu_);
  return directory_;
}

absl::Status Engine::Refresh() {
  if (options_.mode != store::OpenMode::kSecondary) return absl::OkStatus();
  HOTLINE_RETURN_IF_ERROR(log_->CatchUp());
  HOTLINE_RETURN_IF_ERROR(LoadRebuildMark());
  return LoadDirectory();
}

absl::Status Engine::CheckTime(const Command& command) const {
  const absl::Time at = FromProto(command.at());
  const absl::Time now = options_.clock();
  if (at > now + options_.max_ahead) {
    return absl::InvalidArgumentError(absl::StrCat(
        "at: ", FormatUtc(at), " is more than ", absl::FormatDuration(options_.max_ahead),
        " ahead of the engine clock (", FormatUtc(now), ")"));
  }
  if (!options_.backfill && at < now - options_.max_past) {
    return absl::InvalidArgumentError(absl::StrCat(
        "at: ", FormatUtc(at), " is more than ", absl::FormatDuration(options_.max_past),
        " before the engine clock (", FormatUtc(now), "); historical imports need backfill"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExecuteResult> Engine::Execute(const Command& command) {
  if (options_.mode != store::OpenMode::kReadWrite) {
    return absl::FailedPreconditionError("the engine is open read-only");
  }
  if (command.has_erase_personal_data()) return Erase(command);
  absl::ReaderMutexLock running(&commands_mu_);
  return Decided(command);
}

absl::StatusOr<ExecuteResult> Engine::Decided(const Command& command) {
  HOTLINE_RETURN_IF_ERROR(CheckProjectionsComplete());
  HOTLINE_RETURN_IF_ERROR(ValidateCommand(command));
  absl::StatusOr<ExecuteResult> result = absl::UnknownError("not executed");
  if (absl::Status time = CheckTime(command); !time.ok()) {
    result = time;
  } else {
    result = IsDirectoryCommand(command)          ? ExecuteDirectoryCommand(command)
             : command.has_record_access()        ? ExecuteAccessCommand(command)
             : command.has_erase_personal_data()  ? ExecuteErasure(command)
                                                  : ExecuteTicketCommand(command);
  }
  if (result.ok()) return result;
  // A command id seen before answers with the original result whatever
  // would refuse it now. Looked up only here, on refusal: a repeat that
  // would be accepted again is answered by the log, which checks every
  // command id as it appends (one lookup per command instead of two).
  // Not after a failed write: its records may be on the local disk (a
  // batch whose fsync failed, a group its replica refused) without the
  // command having succeeded.
  if (!log_->write_error().ok()) return result;
  HOTLINE_ASSIGN_OR_RETURN(std::optional<store::AppendResult> seen,
                           log_->FindCommand(command.command_id()));
  if (!seen.has_value()) return result;
  // Recorded, but its group may still be on its way to the replica (the
  // head moves only once it is there): not an answer yet.
  if (seen->first_sequence + seen->count - 1 > log_->head().sequence) {
    return absl::UnavailableError(absl::StrCat(
        "command '", command.command_id(), "' is still being committed; retry with the same id"));
  }
  return FromAppend(*seen);
}

absl::Status Engine::CheckProjectionsComplete() const {
  if (!projections_incomplete_) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "the projections are being rebuilt, or a rebuild was interrupted: commands wait "
      "until RebuildProjections (hotline rebuild) completes");
}

absl::StatusOr<std::optional<TicketState>> Engine::LoadTicket(
    const std::string& ticket_id) const {
  HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                           log_->Get(store::Family::kState, ticket_id));
  if (!bytes.has_value()) return std::nullopt;
  TicketState state;
  if (!state.ParseFromString(*bytes)) {
    return absl::DataLossError(
        absl::StrCat("stored state of ticket '", ticket_id, "' does not parse"));
  }
  return state;
}

absl::StatusOr<std::shared_ptr<const TicketState>> Engine::TicketForDecision(
    const std::string& ticket_id, bool stored) {
  if (!stored) {
    if (std::shared_ptr<const TicketState> cached = ticket_cache_.Find(ticket_id)) return cached;
  }
  HOTLINE_ASSIGN_OR_RETURN(std::optional<TicketState> loaded, LoadTicket(ticket_id));
  if (!loaded.has_value()) return nullptr;
  return std::make_shared<const TicketState>(*std::move(loaded));
}

absl::StatusOr<ExecuteResult> Engine::ExecuteTicketCommand(const Command& command) {
  return UntilSettled<ExecuteResult>(
      absl::StrCat("ticket '", command.ticket_id(), "'"),
      [&](bool fresh) -> absl::StatusOr<std::optional<ExecuteResult>> {
        HOTLINE_ASSIGN_OR_RETURN(std::shared_ptr<const TicketState> ticket,
                                 TicketForDecision(command.ticket_id(), fresh));
        const uint64_t version = ticket != nullptr ? ticket->version() : 0;
        if (command.has_expected_version() && command.expected_version() != version) {
          return absl::AbortedError(absl::StrCat("ticket '", command.ticket_id(),
                                                 "' is at version ", version, ", expected ",
                                                 command.expected_version()));
        }
        std::optional<TicketState> primary;
        if (command.has_merge()) {
          HOTLINE_ASSIGN_OR_RETURN(primary, LoadTicket(command.merge().primary_ticket_id()));
        }
        const std::shared_ptr<const Directory> dir = directory();
        DecideInput input{&command, ticket.get(), primary ? &*primary : nullptr, dir.get()};
        HOTLINE_ASSIGN_OR_RETURN(std::vector<Event> events, Decide(input));

        absl::StatusOr<store::AppendResult> appended =
            AppendTicketEvents(command, ticket.get(), events, primary ? &*primary : nullptr);
        // The ticket (or a merge's primary) moved on between reading and
        // appending: decide again on the new state, unless the caller pinned
        // the version it saw.
        if (appended.status().code() == absl::StatusCode::kAborted &&
            !command.has_expected_version()) {
          return std::nullopt;
        }
        HOTLINE_RETURN_IF_ERROR(appended.status());
        return FromAppend(*appended);
      });
}

absl::StatusOr<store::AppendResult> Engine::AppendTicketEvents(
    const Command& command, const TicketState* ticket, const std::vector<Event>& events,
    const TicketState* decided_on) {
  const uint64_t version = ticket != nullptr ? ticket->version() : 0;
  auto next = std::make_shared<TicketState>(ticket != nullptr ? *ticket : TicketState());
  store::AppendRequest request;
  request.stream_id = command.ticket_id();
  request.expected_version = version;
  if (decided_on != nullptr) {
    request.other_streams.push_back({decided_on->ticket_id(), decided_on->version()});
  }
  request.command_id = command.command_id();
  HOTLINE_ASSIGN_OR_RETURN(request.payloads,
                           Envelopes(command, events, version, next.get(), &request.extra_writes));
  AppendTimerWrites(ticket, *next, &request.extra_writes);
  request.extra_writes.push_back(
      {store::Family::kState, command.ticket_id(), next->SerializeAsString()});
  absl::StatusOr<store::AppendResult> appended = log_->Append(request);
  if (appended.ok() && !appended->duplicate) {
    ticket_cache_.Put(std::move(next));
  } else if (!appended.ok()) {
    ticket_cache_.Erase(command.ticket_id());  // may have been stale
  }
  return appended;
}

absl::StatusOr<ExecuteResult> Engine::ExecuteDirectoryCommand(const Command& command) {
  absl::MutexLock writer(&directory_writer_mu_);
  const std::shared_ptr<const Directory> dir = directory();
  const bool policy = command.has_publish_policy();
  const uint64_t version = policy ? dir->policy_version() : dir->units_version();
  if (command.has_expected_version() && command.expected_version() != version) {
    return absl::AbortedError(absl::StrCat(policy ? kPolicyStream : kUnitsStream,
                                           " is at version ", version, ", expected ",
                                           command.expected_version()));
  }
  DecideInput input{&command, nullptr, nullptr, dir.get()};
  HOTLINE_ASSIGN_OR_RETURN(std::vector<Event> events, Decide(input));
  store::AppendRequest request;
  request.stream_id = policy ? kPolicyStream : kUnitsStream;
  request.expected_version = version;
  request.command_id = command.command_id();
  HOTLINE_ASSIGN_OR_RETURN(request.payloads,
                           Envelopes(command, events, version, nullptr, &request.extra_writes));
  HOTLINE_ASSIGN_OR_RETURN(store::AppendResult appended, log_->Append(request));
  if (appended.duplicate) return FromAppend(appended);
  std::shared_ptr<const Directory> next = dir;
  for (const Event& event : events) {
    HOTLINE_ASSIGN_OR_RETURN(next, next->With(event));
  }
  absl::MutexLock lock(&mu_);
  directory_ = std::move(next);
  return FromAppend(appended);
}

absl::StatusOr<ExecuteResult> Engine::ExecuteAccessCommand(const Command& command) {
  if (command.actor().role() == hotline::v1::Role::SYSTEM) {
    return absl::PermissionDeniedError("record_access: SYSTEM reads nothing on its own behalf");
  }
  Event event;
  event.mutable_ticket_data_read()->set_ticket_id(command.ticket_id());
  event.mutable_ticket_data_read()->set_what(command.record_access().what());
  // No expected version: readers never decide on the stream, so concurrent
  // records need not serialize on it.
  store::AppendRequest request;
  request.stream_id = kAccessStream;
  request.command_id = command.command_id();
  HOTLINE_ASSIGN_OR_RETURN(request.payloads,
                           Envelopes(command, {event}, 0, nullptr, &request.extra_writes));
  HOTLINE_ASSIGN_OR_RETURN(store::AppendResult appended, log_->Append(request));
  return FromAppend(appended);
}

absl::StatusOr<TicketState> Engine::GetTicket(const std::string& ticket_id) const {
  // The stored state may be partial; the stream is not.
  if (projections_incomplete_) return GetTicketAsOf(ticket_id, absl::InfiniteFuture());
  HOTLINE_ASSIGN_OR_RETURN(std::optional<TicketState> state, LoadTicket(ticket_id));
  if (!state.has_value()) {
    return absl::NotFoundError(absl::StrCat("no ticket '", ticket_id, "'"));
  }
  return *std::move(state);
}

absl::StatusOr<std::vector<EventEnvelope>> Engine::History(
    const std::string& ticket_id) const {
  std::optional<TicketState> state;
  if (!projections_incomplete_) {
    HOTLINE_ASSIGN_OR_RETURN(state, LoadTicket(ticket_id));
  }
  HOTLINE_ASSIGN_OR_RETURN(std::vector<store::Record> records, log_->ReadStream(ticket_id));
  if (records.empty() || !IsValidId(ticket_id, kMaxTicketIdBytes)) {
    return absl::NotFoundError(absl::StrCat("no ticket '", ticket_id, "'"));
  }
  // The stream index cannot show a lost last entry; the ticket's state,
  // written in the same batch as its events and read before them (so a
  // command committing meanwhile only adds records), knows how many there
  // are at least.
  if (state.has_value() && state->version() > records.size()) {
    return absl::DataLossError(absl::StrCat(
        "stream '", ticket_id, "' version ", records.size() + 1, ": missing (the stream "
        "index holds ", records.size(), " entries, the ticket's state ", state->version(), ")"));
  }
  std::vector<EventEnvelope> events(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    // Revealed in the shape they were sealed in, then upcast.
    HOTLINE_RETURN_IF_ERROR(DecodeStoredEvent(records[i], &events[i]));
    HOTLINE_RETURN_IF_ERROR(personal_->Reveal(&events[i]));
    HOTLINE_RETURN_IF_ERROR(Upcast(&events[i]));
  }
  return events;
}

absl::StatusOr<TicketState> Engine::GetTicketAsOf(const std::string& ticket_id,
                                                  absl::Time as_of) const {
  HOTLINE_ASSIGN_OR_RETURN(std::vector<EventEnvelope> events, History(ticket_id));
  TicketState state;
  for (const EventEnvelope& event : events) {
    if (FromProto(event.at()) > as_of) break;
    Evolve(event, &state);
  }
  if (state.version() == 0) {
    return absl::NotFoundError(absl::StrCat("ticket '", ticket_id,
                                            "' had not been received at ", FormatUtc(as_of)));
  }
  return state;
}

std::unique_ptr<EventSubscription> Engine::Subscribe(uint64_t after_sequence) {
  return std::make_unique<EventSubscription>(log_->Subscribe(after_sequence));
}

}  // namespace hotline::engine
