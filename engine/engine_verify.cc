// Engine::Verify: the auditor's check of the log and every projection.
//
// Every comparison streams: ticket states are replayed one ticket at a time
// (FoldTicketStreams) and compared as each ticket's last event is folded;
// the timer index is compared as a count and an order-free digest of its
// entries. So a check of a year of a province's log holds the tickets in
// flight, not the store. The statistics are checked on a second core.

#include <array>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/engine.h"
#include "engine/evolve.h"
#include "engine/fault_list.h"
#include "engine/ticket_streams_fold.h"
#include "store/keys.h"
#include "store/record.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

// A multiset of timer index entries: their number and the lane-wise sum of
// their SHA-256 digests, which is the same whatever order entries are added
// in, and differs when one entry differs.
class EntryDigest {
 public:
  void Add(absl::string_view key, absl::string_view value) {
    const std::string hash =
        store::Sha256(absl::StrCat(key.size(), ":", key, value.size(), ":", value));
    for (size_t lane = 0; lane < sum_.size(); ++lane) {
      sum_[lane] += store::DecodeFixed64BE(hash.data() + 8 * lane);
    }
    ++count_;
  }
  uint64_t count() const { return count_; }
  bool operator==(const EntryDigest& o) const { return count_ == o.count_ && sum_ == o.sum_; }

 private:
  uint64_t count_ = 0;
  std::array<uint64_t, 4> sum_{};
};

}  // namespace

absl::StatusOr<Engine::VerifyResult> Engine::Verify() const {
  VerifyResult result;
  HOTLINE_ASSIGN_OR_RETURN(result.chain, log_->VerifyChain());
  if (!result.chain.ok()) return result;  // projections of a broken log prove nothing

  absl::StatusOr<std::vector<std::string>> stats;
  std::thread statistics(
      [&] { stats = stats_->Verify(directory()->policy().calendar().zone()); });
  // Whole-store lines first, then one per ticket (bounded): a long list of
  // tickets must not push out the lines that say what kind of fault it is.
  std::vector<std::string> summary;
  FaultList faults;
  uint64_t streams = 0;
  EntryDigest expected_timers;
  // Up to the head as of now. On a live read-write engine, commands that
  // commit meanwhile can still make a stored state newer than its replay:
  // the auditor's `hotline verify` opens the store read-only.
  absl::Status tickets = FoldTicketStreams<hotline::v1::TicketState>(
      *log_, log_->head().sequence,
      [](const store::Record&, const hotline::v1::EventEnvelope& event,
         hotline::v1::TicketState* state) {
        Evolve(event, state);
        return absl::OkStatus();
      },
      [&](const std::string& id, hotline::v1::TicketState* state) -> absl::Status {
        ++streams;
        for (const auto& [key, unit] : IndexEntries(*state)) expected_timers.Add(key, unit);
        HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                                 log_->Get(store::Family::kState, id));
        if (!stored.has_value()) {
          faults.Add(absl::StrCat("ticket state ", id, ": missing"));
        } else if (state->SerializeAsString() != *stored) {
          faults.Add(absl::StrCat("ticket state ", id, ": differs from a replay"));
        }
        return absl::OkStatus();
      });
  statistics.join();
  HOTLINE_RETURN_IF_ERROR(tickets);
  HOTLINE_RETURN_IF_ERROR(stats.status());

  uint64_t stored_states = 0;
  HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(store::Family::kState, "",
                                           [&](absl::string_view, absl::string_view) {
                                             ++stored_states;
                                             return absl::OkStatus();
                                           }));
  result.tickets = stored_states;
  if (stored_states != streams) {
    // Every stream's state was found above: the extra ones have no stream.
    HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(
        store::Family::kState, "", [&](absl::string_view key, absl::string_view) -> absl::Status {
          HOTLINE_ASSIGN_OR_RETURN(uint64_t version, log_->StreamVersion(key));
          if (version == 0) faults.Add(absl::StrCat("ticket state ", key, ": no such stream"));
          return absl::OkStatus();
        }));
    summary.push_back(
        absl::StrCat("ticket states: ", stored_states, " stored, ", streams, " streams"));
  }
  EntryDigest stored_timers;
  for (const char* prefix : {kOpenTimerPrefix, kDueTimerPrefix}) {
    HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(
        store::Family::kProjections, prefix,
        [&](absl::string_view key, absl::string_view value) {
          stored_timers.Add(key, value);
          return absl::OkStatus();
        }));
  }
  result.timers = stored_timers.count();
  if (!(stored_timers == expected_timers)) {
    summary.push_back(absl::StrCat("timer index: ", stored_timers.count(), " entries stored, ",
                                   expected_timers.count(),
                                   " expected, or their contents differ"));
  }
  result.faults = std::move(summary);
  for (std::string& line : std::move(faults).Take()) result.faults.push_back(std::move(line));
  result.faults.insert(result.faults.end(), stats->begin(), stats->end());
  result.stats_position = log_->ReadCheckpoint("stats").value_or(0);
  return result;
}

}  // namespace hotline::engine
