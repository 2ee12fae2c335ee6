// StreamReplicator: group commits published to the log's stream.

#include "replication/stream_replicator.h"

#include "absl/strings/str_cat.h"
#include "replication/store_position.h"
#include "store/event_log.h"
#include "store/record.h"
#include "store/status_macros.h"

namespace hotline::replication {
namespace {

// Records published in one Publish when a store catches its stream up, or
// the background thread sends what queued: bounded so that a round's
// acknowledgements arrive well within NatsOptions::request_timeout.
constexpr size_t kPublishBatch = 4096;

}  // namespace

absl::StatusOr<std::shared_ptr<StreamReplicator>> StreamReplicator::Connect(
    const ReplicationOptions& options) {
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<JetStream> js, JetStream::Connect(options.nats));
  return std::shared_ptr<StreamReplicator>(new StreamReplicator(options, std::move(js)));
}

StreamReplicator::StreamReplicator(const ReplicationOptions& options,
                                   std::unique_ptr<JetStream> js)
    : options_(options), js_(std::move(js)) {
  if (options_.mode == ReplicationMode::kAsync) {
    publisher_ = std::thread([this] { PublishBehind(); });
  }
}

StreamReplicator::~StreamReplicator() {
  if (!publisher_.joinable()) return;
  (void)Drain();
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  publisher_.join();
}

absl::Status StreamReplicator::Attach(const store::EventLog& log) {
  HOTLINE_ASSIGN_OR_RETURN(StorePosition position, Compare(log, *js_));
  log_id_ = position.log_id;
  if (position.head == 0) return absl::OkStatus();  // the stream comes with record 1
  if (!position.stream_exists || position.stream_last == 0) {
    // A log that predates its stream: the stream starts with all of it.
    HOTLINE_RETURN_IF_ERROR(js_->CreateStream(log_id_));
    return PublishFromStore(log, 1);
  }
  if (position.has_unreplicated_tail()) {
    // kAsync acknowledged that tail already; when the stream ends exactly
    // where it starts, no other writer has taken over and it goes out now.
    if (options_.mode == ReplicationMode::kAsync && position.agreed == position.stream_last) {
      return PublishFromStore(log, position.agreed + 1);
    }
    return UnreplicatedTailError(position);
  }
  if (position.behind()) return BehindError(position);
  return absl::OkStatus();
}

absl::Status StreamReplicator::PublishFromStore(const store::EventLog& log, uint64_t from) {
  const uint64_t head = log.head().sequence;
  while (from <= head) {
    const uint64_t through = std::min<uint64_t>(head, from + kPublishBatch - 1);
    std::vector<std::string> records;
    HOTLINE_RETURN_IF_ERROR(log.Scan(from, through, [&](const store::Record& r) {
      records.push_back(store::EncodeRecord(r.prev_hash, r.sequence, r.stream_id,
                                            r.stream_version, r.command_id, r.payload));
      return absl::OkStatus();
    }));
    HOTLINE_RETURN_IF_ERROR(js_->Publish(log_id_, from, records));
    from = through + 1;
  }
  return absl::OkStatus();
}

absl::Status StreamReplicator::LearnLogId(uint64_t first_sequence,
                                          const std::vector<std::string>& records) {
  if (!log_id_.empty()) return absl::OkStatus();
  if (first_sequence != 1 || records.empty()) {
    return absl::InternalError("replication: the first group of a new log must start at 1");
  }
  log_id_ = LogId(store::StoredHash(records[0]));
  return js_->CreateStream(log_id_);
}

absl::Status StreamReplicator::Replicate(uint64_t first_sequence,
                                         const std::vector<std::string>& records) {
  HOTLINE_RETURN_IF_ERROR(LearnLogId(first_sequence, records));
  if (options_.mode == ReplicationMode::kSync) {
    return js_->Publish(log_id_, first_sequence, records);
  }
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](StreamReplicator* r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu_) {
        return !r->error_.ok() || r->queued_records_ < r->options_.max_async_records;
      },
      this));
  if (!error_.ok()) return error_;
  queue_.push_back({first_sequence, records});
  queued_records_ += records.size();
  return absl::OkStatus();
}

void StreamReplicator::PublishBehind() {
  for (;;) {
    Batch batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](StreamReplicator* r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu_) {
            return r->stop_ || !r->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // stopping
      // What queued meanwhile goes out together: contiguous sequences.
      batch = std::move(queue_.front());
      queue_.pop_front();
      while (!queue_.empty() && batch.records.size() < kPublishBatch) {
        for (std::string& r : queue_.front().records) batch.records.push_back(std::move(r));
        queue_.pop_front();
      }
      publishing_ = true;
    }
    const absl::Status s = js_->Publish(log_id_, batch.first_sequence, batch.records);
    absl::MutexLock lock(&mu_);
    publishing_ = false;
    queued_records_ -= batch.records.size();
    if (!s.ok() && error_.ok()) {
      // Nothing after a failed publish can follow it into the stream.
      error_ = s;
      for (const Batch& b : queue_) queued_records_ -= b.records.size();
      queue_.clear();
    }
  }
}

absl::Status StreamReplicator::Drain() {
  if (options_.mode == ReplicationMode::kSync) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](StreamReplicator* r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu_) {
        return !r->error_.ok() || (r->queue_.empty() && !r->publishing_);
      },
      this));
  return error_;
}

}  // namespace hotline::replication
