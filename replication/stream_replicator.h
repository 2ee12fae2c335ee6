#ifndef HOTLINE_REPLICATION_STREAM_REPLICATOR_H_
#define HOTLINE_REPLICATION_STREAM_REPLICATOR_H_

// StreamReplicator: the writer's side of replication — a store::Replicator
// that puts every group commit's records into the log's JetStream stream
// (docs/replication.md). Give it to EngineOptions::replicator.
//
// kSync: a command is acknowledged only once the stream's quorum stored its
// events. kAsync: acknowledged after the local write; a background thread
// publishes behind, so the commands of the last moments before the
// writer's machine is lost (or before a follower is promoted) may be
// missing from the stream: at most max_async_records records.
//
// A publish the stream refuses because another writer appended first
// (fenced), or one still unacknowledged after NatsOptions::publish_deadline,
// fails the group and every later write (store/replicator.h): the writer
// never acknowledges a command the stream does not hold (kSync).

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "replication/jetstream.h"
#include "store/replicator.h"

namespace hotline::replication {

enum class ReplicationMode { kSync, kAsync };

struct ReplicationOptions {
  NatsOptions nats;
  ReplicationMode mode = ReplicationMode::kSync;
  // kAsync: records handed over but not yet published, at most; a writer
  // this far ahead of the stream waits. Default 100,000.
  size_t max_async_records = 100000;
};

class StreamReplicator : public store::Replicator {
 public:
  // Connects to the cluster (see JetStream::Connect).
  static absl::StatusOr<std::shared_ptr<StreamReplicator>> Connect(
      const ReplicationOptions& options);
  // kAsync: publishes what is still queued (up to publish_deadline), then
  // stops.
  ~StreamReplicator() override;

  // Checks the store against its stream (store_position.h) and refuses
  // with FAILED_PRECONDITION a store with records the stream lacks
  // (kAsync: unless the stream holds exactly the records before them, when
  // no other writer can have taken over: they are published now) or one the
  // stream has moved past ("fenced"). A store whose log has no stream yet
  // (or an empty one) gets one, holding every record it has.
  absl::Status Attach(const store::EventLog& log) override;

  absl::Status Replicate(uint64_t first_sequence,
                         const std::vector<std::string>& records) override;

  size_t MaxRecordBytes() const override { return js_->MaxRecordBytes(); }

  // kAsync: waits until every record handed over is published or the first
  // error; returns that error. kSync: OK.
  absl::Status Drain();

 private:
  explicit StreamReplicator(const ReplicationOptions& options, std::unique_ptr<JetStream> js);
  // Publishes the store's records from..head to the stream, in bounded
  // batches.
  absl::Status PublishFromStore(const store::EventLog& log, uint64_t from);
  // The log id, from record 1 when the first group carries it.
  absl::Status LearnLogId(uint64_t first_sequence, const std::vector<std::string>& records);
  void PublishBehind();  // the kAsync thread

  const ReplicationOptions options_;
  std::unique_ptr<JetStream> js_;
  std::string log_id_;  // set by Attach or the first group, then fixed

  absl::Mutex mu_;
  struct Batch {
    uint64_t first_sequence;
    std::vector<std::string> records;
  };
  std::deque<Batch> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_records_ ABSL_GUARDED_BY(mu_) = 0;
  bool publishing_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);  // the first failed publish
  std::thread publisher_;                    // kAsync
};

}  // namespace hotline::replication

#endif  // HOTLINE_REPLICATION_STREAM_REPLICATOR_H_
