// Engine::Import: an export loaded into an empty store, chain checked first.

#include <malloc.h>

#include <filesystem>
#include <system_error>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/command_validation.h"
#include "engine/directory.h"
#include "engine/engine.h"
#include "engine/event_codec.h"
#include "engine/export_format.h"
#include "engine/upcasters.h"
#include "store/chain_checker.h"
#include "store/status_macros.h"

namespace hotline::engine {

absl::StatusOr<uint64_t> CheckExport(EnvelopeReader* reader, const store::Options& limits,
                                     store::ScratchTable* command_ids,
                                     store::ScratchTable* stream_versions) {
  store::ChainChecker chain(stream_versions);
  HOTLINE_ASSIGN_OR_RETURN(std::shared_ptr<const Directory> directory, Directory::Initial());
  absl::flat_hash_set<std::string> command_ids_in_memory;
  auto first_use = [&](const std::string& id) -> absl::StatusOr<bool> {
    if (command_ids != nullptr) return command_ids->Insert(id);
    return command_ids_in_memory.insert(id).second;
  };
  hotline::v1::EventEnvelope e;
  store::Record record;
  std::string run_stream, run_command;  // the append the last event belongs to
  uint64_t run_events = 0;
  for (;;) {
    HOTLINE_ASSIGN_OR_RETURN(bool more, reader->Next(&e));
    if (!more) break;
    const uint64_t sequence = chain.records() + 1;
    auto bad = [&](absl::string_view what) {
      return absl::DataLossError(absl::StrCat("sequence ", sequence, ": ", what));
    };
    if (e.sequence() != sequence) {
      return bad(absl::StrCat("the file has sequence ", e.sequence(), " here"));
    }
    // A version newer than this build's is refused, never misread.
    HOTLINE_RETURN_IF_ERROR(CheckVersion(e));
    if (e.stream_id().empty() || e.stream_id().size() > limits.max_stream_id_bytes ||
        e.stream_id().find('\0') != std::string::npos) {
      return bad(absl::StrCat("stream_id: must be 1 to ", limits.max_stream_id_bytes,
                              " bytes without 0x00"));
    }
    if (e.command_id().size() > limits.max_command_id_bytes) {
      return bad(absl::StrCat("command_id: over ", limits.max_command_id_bytes, " bytes"));
    }
    if (absl::Status at = CheckAt("at", e.at()); !at.ok()) return bad(at.message());
    const std::string payload = StorePayload(e);
    if (payload.size() > limits.max_payload_bytes) {
      return bad(absl::StrCat("event of ", payload.size(), " bytes, over the limit of ",
                              limits.max_payload_bytes));
    }
    record.sequence = e.sequence();
    record.stream_id = e.stream_id();
    record.stream_version = e.stream_version();
    record.command_id = e.command_id();
    record.prev_hash = e.prev_hash();
    record.hash = e.hash();
    const std::string value = store::EncodeRecord(e.prev_hash(), e.sequence(), e.stream_id(),
                                                  e.stream_version(), e.command_id(), payload);
    HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> wrong, chain.Next(record, value));
    if (wrong.has_value()) return bad(absl::StrCat(*wrong, " (altered, redacted or reordered)"));
    // Consecutive events of one stream under one command id are one append.
    if (e.command_id().empty() || e.command_id() != run_command || e.stream_id() != run_stream) {
      if (!e.command_id().empty()) {
        HOTLINE_ASSIGN_OR_RETURN(bool first, first_use(e.command_id()));
        if (!first) return bad(absl::StrCat("command id '", e.command_id(), "' appears twice"));
      }
      run_stream = e.stream_id();
      run_command = e.command_id();
      run_events = 0;
    }
    if (++run_events > limits.max_events_per_append) {
      return bad(absl::StrCat("one command of over ", limits.max_events_per_append, " events"));
    }
    if (e.stream_id() == kUnitsStream || e.stream_id() == kPolicyStream) {
      absl::StatusOr<std::shared_ptr<const Directory>> next = directory->With(e.event());
      if (!next.ok()) return bad(next.status().message());
      directory = *std::move(next);
    }
  }
  return chain.records();
}


// CheckExport with its command ids and stream versions on disk, in the
// store's directory (its owner can write there; RocksDB ignores a
// subdirectory): a province's year holds over 100M command ids and millions
// of streams. An earlier import's leftover is thrown away first.
namespace {
absl::StatusOr<uint64_t> CheckExportOnDisk(EnvelopeReader* reader, const store::Options& limits,
                                           const std::string& store_path) {
  const std::filesystem::path scratch = std::filesystem::path(store_path) / "import-scratch";
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  absl::Cleanup remove = [&scratch] {
    std::error_code ignored;
    std::filesystem::remove_all(scratch, ignored);
  };
  std::error_code error;
  std::filesystem::create_directories(scratch, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("making ", scratch.string(), ": ", error.message()));
  }
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<store::ScratchTable> command_ids,
                           store::ScratchTable::Create(scratch / "command-ids"));
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<store::ScratchTable> stream_versions,
                           store::ScratchTable::Create(scratch / "stream-versions"));
  return CheckExport(reader, limits, command_ids.get(), stream_versions.get());
}

// Hands memory freed by the phase that ended back to the system: the
// check's scratch tables and the append's memtables would otherwise stay
// resident under the next phase (glibc keeps freed heap memory). On the
// 10.1M-event log, with the flush before the rebuild and the command line's
// fixed mmap threshold (tools/hotline/main.cc), the import peaked at 233 MiB
// (docs/benchmarks.md); before those two, and without these calls, it had
// passed 351 MiB when it was stopped.
void ReleaseFreedMemory() { malloc_trim(0); }
}  // namespace

absl::Status Engine::Import(const std::string& path, bool binary,
                            const std::function<void(uint64_t, uint64_t)>& progress) {
  if (options_.mode != store::OpenMode::kReadWrite) {
    return absl::FailedPreconditionError("the engine is open read-only");
  }
  if (rebuilding_.exchange(true)) {
    return absl::FailedPreconditionError("a rebuild or an import is running already");
  }
  absl::Cleanup done = [this] { rebuilding_ = false; };
  if (log_->head().sequence != 0) {
    return absl::FailedPreconditionError("import needs an empty store");
  }
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<EnvelopeReader> check,
                           EnvelopeReader::Open(path, binary));
  HOTLINE_ASSIGN_OR_RETURN(const uint64_t total,
                           CheckExportOnDisk(check.get(), log_->options(), path_));
  ReleaseFreedMemory();

  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<EnvelopeReader> reader,
                           EnvelopeReader::Open(path, binary));
  // Until the rebuild at the end completes, a store that Open refuses: an
  // import cut short is never taken for a store.
  HOTLINE_RETURN_IF_ERROR(MarkProjectionsIncomplete());
  HOTLINE_RETURN_IF_ERROR(log_->WriteCheckpoint(kImportingMark, 1, {}));
  HOTLINE_RETURN_IF_ERROR(log_->SyncWal());
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
  // The append's full memtables would stay resident through the rebuild
  // beside the rebuild's own.
  HOTLINE_RETURN_IF_ERROR(log_->FlushMemtables());
  ReleaseFreedMemory();
  HOTLINE_RETURN_IF_ERROR(Rebuild(nullptr));
  HOTLINE_RETURN_IF_ERROR(log_->WriteCheckpoint(kImportingMark, 0, {}));
  return log_->SyncWal();
}

}  // namespace hotline::engine
