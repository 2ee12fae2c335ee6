// Compare: the store against its stream, by the records' stored bytes.

#include "replication/store_position.h"

#include "absl/strings/str_cat.h"
#include "store/status_macros.h"

namespace hotline::replication {
namespace {

// Whether the stream holds the store's record `sequence` byte for byte.
// Hash-chained records that agree at one sequence agree at every earlier one.
absl::StatusOr<bool> Agrees(const store::EventLog& log, JetStream& stream,
                            const std::string& log_id, uint64_t sequence) {
  HOTLINE_ASSIGN_OR_RETURN(store::Record local, log.Read(sequence));
  absl::StatusOr<std::string> remote = stream.Get(log_id, sequence);
  if (absl::IsNotFound(remote.status())) return false;
  HOTLINE_RETURN_IF_ERROR(remote.status());
  // HashMatches first: it also refuses a value too short to hold a hash.
  return store::HashMatches(*remote) && store::StoredHash(*remote) == local.hash;
}

}  // namespace

absl::StatusOr<StorePosition> Compare(const store::EventLog& log, JetStream& stream) {
  StorePosition p;
  p.head = log.head().sequence;
  if (p.head == 0) return p;
  HOTLINE_ASSIGN_OR_RETURN(store::Record first, log.Read(1));
  p.log_id = LogId(first.hash);
  absl::StatusOr<uint64_t> last = stream.LastSequence(p.log_id);
  if (absl::IsNotFound(last.status())) return p;
  HOTLINE_RETURN_IF_ERROR(last.status());
  p.stream_exists = true;
  p.stream_last = *last;
  uint64_t lo = 0, hi = std::min(p.head, p.stream_last);
  HOTLINE_ASSIGN_OR_RETURN(bool all, hi == 0 ? true : Agrees(log, stream, p.log_id, hi));
  if (all) {
    p.agreed = hi;
    return p;
  }
  // lo agrees, hi does not: bisect to the first record that differs.
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    HOTLINE_ASSIGN_OR_RETURN(bool same, Agrees(log, stream, p.log_id, mid));
    (same ? lo : hi) = mid;
  }
  p.agreed = lo;
  return p;
}

absl::Status UnreplicatedTailError(const StorePosition& p) {
  return absl::FailedPreconditionError(absl::StrCat(
      "records ", p.agreed + 1, "..", p.head, " of this store are not in stream ",
      StreamName(p.log_id), " (which has ", p.stream_last,
      "): its writer stopped before they were replicated, or another writer took over; "
      "they were never acknowledged with --replication sync. Run hotline follow "
      "--drop-unreplicated to remove them (it prints each) and follow the stream"));
}

absl::Status BehindError(const StorePosition& p) {
  return absl::FailedPreconditionError(absl::StrCat(
      "fenced: stream ", StreamName(p.log_id), " has records ", p.agreed + 1, "..",
      p.stream_last, " that this store lacks (another writer has appended); start with "
      "--promote to catch up and take over, or run hotline follow"));
}

}  // namespace hotline::replication
