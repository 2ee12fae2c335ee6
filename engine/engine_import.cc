// Engine::Import: an export loaded into an empty store, chain checked first.

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/engine.h"
#include "engine/export_format.h"
#include "store/options.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

// The store payload of an exported event: the envelope without the
// positional fields the store keeps itself. Canonical serialization (the
// schema has no maps) reproduces the bytes that were hashed.
std::string StorePayload(hotline::v1::EventEnvelope envelope) {
  envelope.clear_sequence();
  envelope.clear_stream_id();
  envelope.clear_stream_version();
  envelope.clear_command_id();
  envelope.clear_prev_hash();
  envelope.clear_hash();
  return envelope.SerializeAsString();
}

}  // namespace

// Checks the whole file: gapless sequence, stream versions, hash chain, and
// that each append Import will make is one the store takes (its rules for ids
// and sizes; a command id of an earlier append would come back as a
// duplicate), so that an import refused is refused before it writes.
absl::StatusOr<uint64_t> CheckExport(EnvelopeReader* reader) {
  const store::Options limits;  // Engine::Open gives the store the defaults
  absl::flat_hash_set<std::string> command_ids;
  std::string run_stream, run_command;  // of the append being gathered
  size_t run_events = 0;
  absl::flat_hash_map<std::string, uint64_t> versions;
  std::string prev = store::GenesisHash();
  hotline::v1::EventEnvelope e;
  uint64_t expected = 1;
  for (;; ++expected) {
    HOTLINE_ASSIGN_OR_RETURN(bool more, reader->Next(&e));
    if (!more) break;
    auto bad = [&](absl::string_view what) {
      return absl::DataLossError(absl::StrCat("sequence ", expected, ": ", what));
    };
    if (e.sequence() != expected) {
      return bad(absl::StrCat("the file has sequence ", e.sequence(), " here"));
    }
    uint64_t& version = versions[e.stream_id()];
    if (e.stream_version() != version + 1) {
      return bad(absl::StrCat("stream '", e.stream_id(), "' version ", e.stream_version(),
                              " follows ", version));
    }
    version = e.stream_version();
    // The same grouping as Import below: a run of one stream and one
    // non-empty command id is one append.
    if (run_events > 0 && !e.command_id().empty() && e.stream_id() == run_stream &&
        e.command_id() == run_command) {
      if (++run_events > limits.max_events_per_append) {
        return bad(absl::StrCat("command '", e.command_id(), "' has over ",
                                limits.max_events_per_append, " events"));
      }
    } else {
      run_stream = e.stream_id();
      run_command = e.command_id();
      run_events = 1;
      if (run_stream.empty() || run_stream.size() > limits.max_stream_id_bytes ||
          run_stream.find('\0') != std::string::npos) {
        return bad("a stream id must be 1 to 128 bytes without a 0x00 byte");
      }
      if (run_command.size() > limits.max_command_id_bytes) {
        return bad("a command id must be at most 128 bytes");
      }
      if (!run_command.empty() && !command_ids.insert(run_command).second) {
        return bad(absl::StrCat("command id '", run_command, "' appears twice"));
      }
    }
    if (e.prev_hash() != prev) return bad("prev_hash does not chain to the previous event");
    const std::string payload = StorePayload(e);
    if (payload.size() > limits.max_payload_bytes) return bad("the event is over 1 MiB");
    const std::string value = store::EncodeRecord(prev, e.sequence(), e.stream_id(),
                                                  e.stream_version(), e.command_id(),
                                                  payload);
    if (store::StoredHash(value) != e.hash()) {
      return bad("hash mismatch: the event was altered (or redacted)");
    }
    prev = e.hash();
  }
  return expected - 1;
}

absl::Status Engine::Import(const std::string& path, bool binary,
                            const std::function<void(uint64_t, uint64_t)>& progress) {
  if (options_.mode != store::OpenMode::kReadWrite) {
    return absl::FailedPreconditionError("the engine is open read-only");
  }
  if (log_->head().sequence != 0) {
    return absl::FailedPreconditionError("import needs an empty store");
  }
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<EnvelopeReader> check,
                           EnvelopeReader::Open(path, binary));
  HOTLINE_ASSIGN_OR_RETURN(const uint64_t total, CheckExport(check.get()));

  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<EnvelopeReader> reader,
                           EnvelopeReader::Open(path, binary));
  // Events without projections until the rebuild at the end: an import cut
  // short leaves a store that refuses commands.
  HOTLINE_RETURN_IF_ERROR(MarkProjectionsIncomplete());
  // Consecutive events of one command were one append; keep them so, so the
  // command-id records come out as they were.
  store::AppendRequest request;
  auto append = [&]() -> absl::Status {
    if (request.payloads.empty()) return absl::OkStatus();
    const uint64_t want = log_->head().sequence + 1;
    HOTLINE_ASSIGN_OR_RETURN(store::AppendResult r, log_->Append(request));
    if (r.first_sequence != want || r.duplicate) {
      return absl::DataLossError(absl::StrCat("sequence ", want, ": command id '",
                                              request.command_id, "' appears twice"));
    }
    if (progress) progress(r.first_sequence + r.count - 1, total);
    request = store::AppendRequest();
    return absl::OkStatus();
  };
  hotline::v1::EventEnvelope e;
  for (;;) {
    HOTLINE_ASSIGN_OR_RETURN(bool more, reader->Next(&e));
    if (!more) break;
    if (!request.payloads.empty() &&
        (e.stream_id() != request.stream_id || e.command_id() != request.command_id ||
         e.command_id().empty())) {
      HOTLINE_RETURN_IF_ERROR(append());
    }
    if (request.payloads.empty()) {
      request.stream_id = e.stream_id();
      request.command_id = e.command_id();
      request.expected_version = e.stream_version() - 1;
    }
    request.payloads.push_back(StorePayload(e));
  }
  HOTLINE_RETURN_IF_ERROR(append());
  if (log_->head().sequence != total) {
    return absl::DataLossError("the file changed while it was imported");
  }
  HOTLINE_RETURN_IF_ERROR(log_->SyncWal());
  HOTLINE_RETURN_IF_ERROR(LoadDirectory());
  return RebuildProjections();
}

}  // namespace hotline::engine
