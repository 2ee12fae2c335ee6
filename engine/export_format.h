#ifndef HOTLINE_ENGINE_EXPORT_FORMAT_H_
#define HOTLINE_ENGINE_EXPORT_FORMAT_H_

// The export format of cli.md (`hotline export` / `hotline import`): JSON
// Lines of the exported event shape, or varint-length-delimited
// EventEnvelope messages, each with its log position and hashes.

#include <fstream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "hotline/v1/events.pb.h"
#include "store/event_log.h"
#include "store/scratch_table.h"

namespace hotline::engine {

// Writes the whole log to `out` in order. With `redact`, citizens' names
// keep their first character and phone numbers their first three and last
// four digits; such an export no longer matches its hashes (it is for
// publication, not for import).
absl::Status ExportEvents(const store::EventLog& log, std::ostream* out, bool binary,
                          bool redact);

// Reads an export back, one event at a time.
class EnvelopeReader {
 public:
  // NOT_FOUND when `path` cannot be read.
  static absl::StatusOr<std::unique_ptr<EnvelopeReader>> Open(const std::string& path,
                                                              bool binary);

  // The next event into `out`: true, or false at the end of the file.
  // DATA_LOSS names the line (jsonl) or record (binary) that does not parse,
  // or whose timestamps the jsonl form could not carry (binary only; the
  // JSON parser refuses those itself).
  absl::StatusOr<bool> Next(hotline::v1::EventEnvelope* out);

 private:
  EnvelopeReader(const std::string& path, bool binary);

  std::ifstream file_;
  bool binary_;
  uint64_t read_ = 0;  // lines or records read
  std::unique_ptr<google::protobuf::io::IstreamInputStream> raw_;
};

// Reads `reader` to its end and checks what Engine::Import checks before it
// writes anything: sequences 1, 2, ... without a gap, each stream's versions
// 1, 2, ..., the hash chain (each event's hash recomputed from its fields),
// every `at` in the accepted window (command_validation.h), `$units` and
// `$policy` events the directory accepts, and that a store with `limits`
// takes every append Import makes (ids and sizes, events per command, no
// command id in two appends). The number of events, or DATA_LOSS naming the
// first bad sequence (or the reader's error). The command ids and each
// stream's last version seen are kept in `command_ids` and `stream_versions`
// (on disk, for files of any size: a ScratchTable each), or in memory —
// growing with the file — when they are null. Public so that it can be
// fuzzed without a store.
absl::StatusOr<uint64_t> CheckExport(EnvelopeReader* reader,
                                     const store::Options& limits = store::Options(),
                                     store::ScratchTable* command_ids = nullptr,
                                     store::ScratchTable* stream_versions = nullptr);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_EXPORT_FORMAT_H_
