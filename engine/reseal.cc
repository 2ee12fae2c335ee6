#include "engine/reseal.h"

#include <memory>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/audit_proof.h"
#include "engine/engine.h"
#include "engine/event_codec.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::EventEnvelope;

// The events of one command (consecutive records of one stream and command
// id), appended as the source did: one append each.
class CommandCopier {
 public:
  CommandCopier(store::EventLog* to, const PersonalData* keys, ResealResult* result)
      : to_(to), keys_(keys), result_(result) {}

  // Adds the next source event, appending the command before it when it
  // ends there.
  absl::Status Add(EventEnvelope event) {
    if (!pending_.empty() && (event.stream_id() != pending_.front().stream_id() ||
                              event.command_id() != pending_.front().command_id() ||
                              event.command_id().empty())) {
      HOTLINE_RETURN_IF_ERROR(Flush());
    }
    pending_.push_back(std::move(event));
    return absl::OkStatus();
  }

  absl::Status Flush() {
    if (pending_.empty()) return absl::OkStatus();
    store::AppendRequest request;
    request.stream_id = pending_.front().stream_id();
    request.command_id = pending_.front().command_id();
    std::vector<EventEnvelope*> clear;  // those not still sealed under a gone key
    for (EventEnvelope& e : pending_) {
      if (e.sealed().empty()) clear.push_back(&e);
    }
    HOTLINE_RETURN_IF_ERROR(keys_->Seal(request.stream_id, clear, &request.extra_writes));
    for (const EventEnvelope* e : clear) result_->sealed += e->sealed().empty() ? 0 : 1;
    for (const EventEnvelope& e : pending_) request.payloads.push_back(StorePayload(e));
    HOTLINE_ASSIGN_OR_RETURN(store::AppendResult appended, to_->Append(request));
    if (appended.first_sequence != pending_.front().sequence()) {
      return absl::InternalError(absl::StrCat("the copy of sequence ",
                                              pending_.front().sequence(), " landed at ",
                                              appended.first_sequence));
    }
    pending_.clear();
    return absl::OkStatus();
  }

 private:
  store::EventLog* const to_;
  const PersonalData* const keys_;
  ResealResult* const result_;
  std::vector<EventEnvelope> pending_;
};

absl::StatusOr<store::TreeHead> HeadOf(const store::EventLog& log) {
  HOTLINE_ASSIGN_OR_RETURN(std::string origin, DefaultOrigin(log));
  return TreeHeadAt(log, origin, std::nullopt);
}

}  // namespace

absl::StatusOr<ResealResult> Reseal(const store::EventLog& from, const PersonalData& from_keys,
                                    const std::string& to_path, const std::string& master_key,
                                    const std::function<void(uint64_t, uint64_t)>& progress) {
  HOTLINE_ASSIGN_OR_RETURN(store::ChainReport chain, from.VerifyChain());
  if (!chain.ok()) {
    return absl::DataLossError(absl::StrCat("the source log, sequence ", chain.fault->sequence,
                                            ": ", chain.fault->what));
  }
  ResealResult result;
  HOTLINE_ASSIGN_OR_RETURN(result.from, HeadOf(from));
  const uint64_t total = from.head().sequence;
  {
    store::Options options;
    options.sync = false;  // synced once at the end
    HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<store::EventLog> to,
                             store::EventLog::Open(to_path, options));
    if (to->head().sequence != 0) {
      return absl::FailedPreconditionError(absl::StrCat(to_path, " already holds a log"));
    }
    HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<PersonalData> keys,
                             PersonalData::Open(to.get(), master_key));
    if (!keys->sealing()) return absl::InvalidArgumentError("resealing needs a master key");
    CommandCopier copier(to.get(), keys.get(), &result);
    HOTLINE_RETURN_IF_ERROR(from.Scan(1, total, [&](const store::Record& record) {
      EventEnvelope event;
      HOTLINE_RETURN_IF_ERROR(DecodeStoredEvent(record, &event));
      HOTLINE_ASSIGN_OR_RETURN(bool readable, from_keys.Unseal(&event));
      if (!readable) ++result.kept_sealed;
      if (progress && record.sequence % 10000 == 0) progress(record.sequence, total);
      return copier.Add(std::move(event));
    }));
    HOTLINE_RETURN_IF_ERROR(copier.Flush());
    HOTLINE_RETURN_IF_ERROR(to->SyncWal());
    HOTLINE_RETURN_IF_ERROR(to->Close());
  }
  if (progress) progress(total, total);
  EngineOptions options;
  options.master_key = master_key;
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(to_path, options));
  HOTLINE_RETURN_IF_ERROR(engine->RebuildProjections());
  HOTLINE_ASSIGN_OR_RETURN(result.to, HeadOf(engine->log()));
  HOTLINE_RETURN_IF_ERROR(engine->Close());
  return result;
}

std::string ResealStatement(const ResealResult& result) {
  auto line = [](absl::string_view name, const store::TreeHead& head) {
    return absl::StrCat(name, " ", head.origin, " ", head.size, " ",
                        absl::Base64Escape(head.root_hash), "\n");
  };
  return absl::StrCat("hotline reseal\n", line("from", result.from), line("to", result.to));
}

}  // namespace hotline::engine
