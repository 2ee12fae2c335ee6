#ifndef HOTLINE_REPLICATION_JETSTREAM_H_
#define HOTLINE_REPLICATION_JETSTREAM_H_

// JetStream: one connection to a NATS cluster and the JetStream stream that
// holds a hotline log (docs/replication.md). One message per record: its
// body is the stored record (store/record.h), its Nats-Msg-Id the record's
// sequence and its Nats-Expected-Last-Sequence the sequence before, so the
// stream's sequence is the log's and JetStream itself refuses a gap, a
// duplicate or a second writer.
//
// Names: a log's id is 16 hex digits of its first record's hash (the id of
// its default checkpoint origin, engine/audit_proof.h); its stream is
// HOTLINE_<id> with the one subject hotline.<id>.events.
//
// Thread safety: Publish, LastSequence, Get and LogIds may be called from
// several threads; a StreamReader by one thread at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hotline::replication {

struct NatsOptions {
  // Server URLs, e.g. nats://127.0.0.1:4222; any members of the cluster
  // (the client moves to another when one fails).
  std::vector<std::string> servers;
  // Replicas of a stream this creates: a quorum of them stores each
  // message before it is acknowledged. Default 3.
  int replicas = 3;
  // How long one request may take: a stream lookup, a message read, the
  // acknowledgements of one publish. Default 5 s.
  absl::Duration request_timeout = absl::Seconds(5);
  // How long Publish retries records whose acknowledgements did not come
  // (a paused or dead server, a leader election) before giving up with
  // UNAVAILABLE. Default 30 s.
  absl::Duration publish_deadline = absl::Seconds(30);
};

// "URL[,URL…]" as given to --nats; INVALID_ARGUMENT naming the flag for an
// empty list or a URL that is not nats://HOST:PORT.
absl::StatusOr<std::vector<std::string>> ParseServers(absl::string_view list);

// The log id of a log whose first record has `first_hash` (32 raw bytes).
std::string LogId(absl::string_view first_hash);
// HOTLINE_<log id> and hotline.<log id>.events.
std::string StreamName(absl::string_view log_id);
std::string StreamSubject(absl::string_view log_id);

class StreamReader;

class JetStream {
 public:
  // Connects to the cluster. UNAVAILABLE when no server answers within
  // request_timeout; INVALID_ARGUMENT for options out of range.
  static absl::StatusOr<std::unique_ptr<JetStream>> Connect(const NatsOptions& options);
  ~JetStream();
  JetStream(const JetStream&) = delete;
  JetStream& operator=(const JetStream&) = delete;

  // The stream's last sequence (0 when empty); NOT_FOUND when the log has
  // no stream.
  absl::StatusOr<uint64_t> LastSequence(absl::string_view log_id);

  // Creates the log's stream (file storage, NatsOptions::replicas); OK when
  // it exists already.
  absl::Status CreateStream(absl::string_view log_id);

  // The ids of every hotline log with a stream in the cluster.
  absl::StatusOr<std::vector<std::string>> LogIds();

  // The record stored at `sequence`; NOT_FOUND when the stream has no
  // record there (UNAVAILABLE when the stream itself is not found).
  absl::StatusOr<std::string> Get(absl::string_view log_id, uint64_t sequence);

  // The largest record Publish can send: the servers' largest message, less
  // room for the headers.
  size_t MaxRecordBytes() const;

  // Stores `records` as sequences first_sequence, first_sequence + 1, …
  // OK once the stream holds every one of them, acknowledged by its quorum
  // (or, after a retry, found there). FAILED_PRECONDITION "fenced" naming
  // the sequence when the stream holds another record there: another
  // writer appended. UNAVAILABLE when acknowledgements are still missing
  // after publish_deadline: whether the stream took them is unknown. After
  // a failure the connection is closed (nothing it buffered is sent later):
  // the JetStream serves no more calls.
  absl::Status Publish(absl::string_view log_id, uint64_t first_sequence,
                       const std::vector<std::string>& records);

  // A reader of the stream's records from `from_sequence` on, in order.
  // NOT_FOUND when the log has no stream.
  absl::StatusOr<std::unique_ptr<StreamReader>> Read(absl::string_view log_id,
                                                     uint64_t from_sequence);

  const NatsOptions& options() const { return options_; }

 private:
  struct Connection;
  JetStream(const NatsOptions& options, std::unique_ptr<Connection> connection);

  // What one round of publishing found.
  struct Round {
    size_t confirmed;             // records from the start now in the stream
    bool predecessor_id_refused;  // the first other one was refused for its predecessor's id
  };
  // Publish under publish_mu: rounds until every record is confirmed, the
  // stream holds another writer's record, or publish_deadline.
  absl::Status PublishAll(absl::string_view log_id, uint64_t first_sequence,
                          const std::vector<std::string>& records);
  // Sends records[from..] (only records[from], without the predecessor's
  // id, when `alone`) and collects their acknowledgements for up to
  // request_timeout.
  absl::StatusOr<Round> PublishRound(absl::string_view log_id, uint64_t first_sequence,
                                     const std::vector<std::string>& records, size_t from,
                                     bool alone);
  // OK when the stream holds exactly `record` at `sequence`;
  // FAILED_PRECONDITION (fenced) when it holds another; otherwise the read's
  // error (NOT_FOUND: nothing there). One request, not retried.
  absl::Status CheckStored(absl::string_view log_id, uint64_t sequence,
                           absl::string_view record);
  // OK when the stream ends at sequence - 1 with the record `record`
  // chains to; FAILED_PRECONDITION (fenced) when it holds another there.
  absl::Status CheckPredecessor(absl::string_view log_id, uint64_t sequence,
                                absl::string_view record);
  // Get without retries.
  absl::StatusOr<std::string> GetOnce(absl::string_view log_id, uint64_t sequence);

  const NatsOptions options_;
  std::unique_ptr<Connection> connection_;
};

class StreamReader {
 public:
  virtual ~StreamReader() = default;
  // The next record, in order (its sequence and the stored record);
  // nullopt when none came within `timeout`. UNAVAILABLE when the
  // connection or the consumer failed (read again from a new reader).
  virtual absl::StatusOr<std::optional<std::pair<uint64_t, std::string>>> Next(
      absl::Duration timeout) = 0;
};

}  // namespace hotline::replication

#endif  // HOTLINE_REPLICATION_JETSTREAM_H_
