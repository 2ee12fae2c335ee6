// Follower: the stream's records read in order and applied in batches.

#include "replication/follower.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "replication/store_position.h"
#include "store/status_macros.h"

namespace hotline::replication {

absl::StatusOr<std::string> Follower::ResolveLogId(const store::EventLog& log,
                                                   JetStream& stream,
                                                   const std::optional<std::string>& requested) {
  if (log.head().sequence > 0) {
    HOTLINE_ASSIGN_OR_RETURN(store::Record first, log.Read(1));
    const std::string own = LogId(first.hash);
    if (requested.has_value() && *requested != own) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--log: this store holds log ", own, ", not ", *requested));
    }
    return own;
  }
  if (requested.has_value()) return *requested;
  HOTLINE_ASSIGN_OR_RETURN(std::vector<std::string> ids, stream.LogIds());
  if (ids.empty()) return absl::NotFoundError("the cluster holds no hotline log's stream");
  if (ids.size() > 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the cluster holds several hotline logs; choose one with --log: ",
        absl::StrJoin(ids, ", ")));
  }
  return ids[0];
}

Follower::Follower(engine::Engine* engine, JetStream* stream, std::string log_id,
                   FollowOptions options)
    : engine_(engine),
      stream_(stream),
      log_id_(std::move(log_id)),
      options_(options),
      replica_(engine) {}

absl::Status Follower::Follow(const std::function<bool()>& keep_going,
                              const std::function<void(uint64_t, uint64_t)>& progress) {
  const store::EventLog& log = engine_->log();
  HOTLINE_ASSIGN_OR_RETURN(const StorePosition position, Compare(log, *stream_));
  if (position.head > 0 && !position.stream_exists) {
    return absl::NotFoundError(absl::StrCat("no stream ", StreamName(log_id_),
                                            " on this cluster (the wrong --nats?)"));
  }
  if (position.has_unreplicated_tail()) return UnreplicatedTailError(position);
  HOTLINE_RETURN_IF_ERROR(replica_.Start());
  std::unique_ptr<StreamReader> reader;
  uint64_t stream_last = 0;
  absl::Time last_report = absl::InfinitePast();
  auto report = [&](bool force) {
    if (!progress || (!force && absl::Now() - last_report < absl::Seconds(1))) return;
    if (absl::StatusOr<uint64_t> last = stream_->LastSequence(log_id_); last.ok()) {
      stream_last = *last;
    }
    progress(log.head().sequence, std::max(stream_last, log.head().sequence));
    last_report = absl::Now();
  };
  std::vector<std::string> batch;
  while (keep_going()) {
    if (reader == nullptr) {
      absl::StatusOr<std::unique_ptr<StreamReader>> opened =
          stream_->Read(log_id_, log.head().sequence + 1);
      if (absl::IsNotFound(opened.status())) return opened.status();
      if (!opened.ok()) {
        absl::SleepFor(absl::Milliseconds(200));  // no server right now: retried
        continue;
      }
      reader = *std::move(opened);
    }
    batch.clear();
    absl::Status read;
    for (absl::Duration wait = absl::Milliseconds(500); batch.size() < options_.batch_records;
         wait = absl::Milliseconds(1)) {
      absl::StatusOr<std::optional<std::pair<uint64_t, std::string>>> next = reader->Next(wait);
      if (!next.ok()) {
        read = next.status();
        break;
      }
      if (!next->has_value()) break;
      batch.push_back(std::move((*next)->second));
    }
    if (!batch.empty()) HOTLINE_RETURN_IF_ERROR(replica_.Apply(batch));
    if (!read.ok()) reader.reset();  // a failed consumer: a new one from the head
    report(false);
  }
  report(true);
  return absl::OkStatus();
}

absl::StatusOr<size_t> Follower::DropUnreplicated(
    const std::function<absl::Status(const std::vector<store::Record>&)>& before_removing) {
  const store::EventLog& log = engine_->log();
  HOTLINE_ASSIGN_OR_RETURN(const StorePosition position, Compare(log, *stream_));
  if (!position.has_unreplicated_tail()) return 0;
  // Never from a stream that is not there, or not this log's: what would go
  // is everything.
  if (!position.stream_exists) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no stream ", StreamName(log_id_), " on this cluster to compare with (the wrong "
        "--nats?): nothing removed"));
  }
  if (position.agreed == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "stream ", StreamName(log_id_), " does not hold this store's first record: not this "
        "log's stream; nothing removed"));
  }
  std::vector<store::Record> tail;
  HOTLINE_RETURN_IF_ERROR(log.Scan(position.agreed + 1, position.head,
                                   [&](const store::Record& r) {
                                     tail.push_back(r);
                                     return absl::OkStatus();
                                   }));
  HOTLINE_RETURN_IF_ERROR(before_removing(tail));
  HOTLINE_RETURN_IF_ERROR(replica_.DropAfter(position.agreed).status());
  return tail.size();
}

absl::Status Follower::CatchUp(const std::function<void(uint64_t, uint64_t)>& progress) {
  HOTLINE_ASSIGN_OR_RETURN(uint64_t target, stream_->LastSequence(log_id_));
  const store::EventLog& log = engine_->log();
  return Follow(
      [&] {
        if (log.head().sequence < target) return true;
        // Reached: done unless the stream has grown meanwhile.
        absl::StatusOr<uint64_t> last = stream_->LastSequence(log_id_);
        if (!last.ok()) return true;  // retried
        target = *last;
        return log.head().sequence < target;
      },
      progress);
}

}  // namespace hotline::replication
