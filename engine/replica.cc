// Replica: copied records applied with the projections they bring.

#include "engine/replica.h"

#include "absl/cleanup/cleanup.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/directory.h"
#include "engine/event_codec.h"
#include "engine/evolve.h"
#include "engine/timer_index.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::TicketState;

// A ticket the records touch: its state before them (nullopt when new) and
// after.
struct Touched {
  std::optional<TicketState> before;
  std::shared_ptr<TicketState> after;
};

}  // namespace

absl::Status Replica::Start(const std::function<void(uint64_t, uint64_t)>& progress) {
  if (!engine_->projections_incomplete_) return absl::OkStatus();
  return engine_->RebuildProjections(progress);
}

absl::Status Replica::Apply(const std::vector<std::string>& records) {
  if (engine_->projections_incomplete_) {
    return absl::FailedPreconditionError("the projections are incomplete: Start() rebuilds them");
  }
  absl::node_hash_map<std::string, Touched> tickets;
  std::shared_ptr<const Directory> directory = engine_->directory();
  bool directory_changed = false;
  store::Record record;
  hotline::v1::EventEnvelope envelope;
  uint64_t sequence = engine_->log_->head().sequence;
  for (const std::string& value : records) {
    ++sequence;
    auto bad = [&](absl::string_view what) {
      return absl::DataLossError(absl::StrCat("sequence ", sequence, ": ", what));
    };
    if (absl::Status s = store::DecodeRecord(value, &record); !s.ok()) return bad(s.message());
    const bool directory_event =
        record.stream_id == kUnitsStream || record.stream_id == kPolicyStream;
    // Other `$` streams (the access log) feed no projection, as in a rebuild.
    if (record.stream_id.starts_with('$') && !directory_event) continue;
    envelope.Clear();
    if (absl::Status s = DecodeEvent(record, &envelope); !s.ok()) {
      return absl::IsFailedPrecondition(s) ? s : bad(s.message());  // a newer version
    }
    if (directory_event) {
      absl::StatusOr<std::shared_ptr<const Directory>> next = directory->With(envelope.event());
      if (!next.ok()) return bad(next.status().message());
      directory = *std::move(next);
      directory_changed = true;
      continue;
    }
    auto [it, inserted] = tickets.try_emplace(record.stream_id);
    Touched& t = it->second;
    if (inserted) {
      HOTLINE_ASSIGN_OR_RETURN(t.before, engine_->LoadTicket(record.stream_id));
      t.after = std::make_shared<TicketState>(t.before.value_or(TicketState()));
    }
    Evolve(envelope, t.after.get());
  }
  std::vector<store::ExtraWrite> writes;
  for (auto& [id, t] : tickets) {
    AppendTimerWrites(t.before ? &*t.before : nullptr, *t.after, &writes);
    writes.push_back({store::Family::kState, id, t.after->SerializeAsString()});
  }
  absl::Status appended = engine_->log_->AppendRecords(records, writes);
  if (!appended.ok()) {
    for (auto& [id, t] : tickets) engine_->ticket_cache_.Erase(id);
    return appended;
  }
  for (auto& [id, t] : tickets) engine_->ticket_cache_.Put(std::move(t.after));
  if (directory_changed) {
    absl::MutexLock lock(&engine_->mu_);
    engine_->directory_ = std::move(directory);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<store::Record>> Replica::DropAfter(uint64_t sequence) {
  if (engine_->rebuilding_.exchange(true)) {
    return absl::FailedPreconditionError("a rebuild or an import is running already");
  }
  absl::Cleanup done = [this] { engine_->rebuilding_ = false; };
  // The mark first: the states, timers and statistics fold the dropped
  // records until the rebuild below replaces them.
  HOTLINE_RETURN_IF_ERROR(engine_->MarkProjectionsIncomplete());
  HOTLINE_ASSIGN_OR_RETURN(std::vector<store::Record> dropped,
                           engine_->log_->DropAfter(sequence));
  HOTLINE_RETURN_IF_ERROR(engine_->LoadDirectory());
  HOTLINE_RETURN_IF_ERROR(engine_->Rebuild(nullptr));
  return dropped;
}

}  // namespace hotline::engine
